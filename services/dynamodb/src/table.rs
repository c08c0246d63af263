//! A table's storage and schema: items in a B-tree ordered by primary key
//! (so a Query is a range scan, logarithmic to reach), secondary indexes
//! as ordered sets of (index key, primary key) maintained on every write,
//! and the key rules AWS applies to every item written.

use crate::attr::{value_size, Item};
use crate::number::Number;
use crate::validation;
use simfra_gen_dynamodb::types::*;
use simfra_model::ServiceError;
use std::collections::{BTreeMap, BTreeSet};

/// One key attribute's value, ordered as DynamoDB orders keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyPart {
    N(Number),
    S(String),
    B(Vec<u8>),
}

impl KeyPart {
    pub fn to_value(&self) -> AttributeValue {
        match self {
            KeyPart::N(n) => AttributeValue::N(n.to_string()),
            KeyPart::S(s) => AttributeValue::S(s.clone()),
            KeyPart::B(b) => AttributeValue::B(b.clone().into()),
        }
    }

    pub fn from_value(v: &AttributeValue) -> Option<KeyPart> {
        match v {
            AttributeValue::S(s) => Some(KeyPart::S(s.clone())),
            AttributeValue::N(n) => Number::parse(n).ok().map(KeyPart::N),
            AttributeValue::B(b) => Some(KeyPart::B(b.to_vec())),
            _ => None,
        }
    }
}

pub type PrimaryKey = (KeyPart, Option<KeyPart>);

pub fn type_matches(ty: &ScalarAttributeType, v: &AttributeValue) -> bool {
    matches!(
        (ty, v),
        (ScalarAttributeType::S, AttributeValue::S(_)) | (ScalarAttributeType::N, AttributeValue::N(_)) | (ScalarAttributeType::B, AttributeValue::B(_))
    )
}

#[derive(Debug, Clone)]
pub struct KeySchema {
    pub hash: (String, ScalarAttributeType),
    pub range: Option<(String, ScalarAttributeType)>,
}

impl KeySchema {
    pub fn names(&self) -> Vec<&String> {
        let mut out = vec![&self.hash.0];
        if let Some((r, _)) = &self.range {
            out.push(r);
        }
        out
    }

    pub fn is_key(&self, name: &str) -> bool {
        self.hash.0 == name || self.range.as_ref().is_some_and(|r| r.0 == name)
    }

    pub fn elements(&self) -> Vec<KeySchemaElement> {
        let mut out = vec![KeySchemaElement { attribute_name: self.hash.0.clone(), key_type: KeyType::Hash }];
        if let Some((r, _)) = &self.range {
            out.push(KeySchemaElement { attribute_name: r.clone(), key_type: KeyType::Range });
        }
        out
    }

    /// The primary key of an item being written (PutItem): key attributes
    /// present, of the declared type, non-empty and within size limits.
    pub fn key_of_item(&self, item: &Item) -> Result<PrimaryKey, ServiceError> {
        let part = |(name, ty): &(String, ScalarAttributeType)| -> Result<KeyPart, ServiceError> {
            let v = item.get(name).ok_or_else(|| {
                validation(format!("One or more parameter values were invalid: Missing the key {name} in the item"))
            })?;
            if !type_matches(ty, v) {
                return Err(validation(format!(
                    "One or more parameter values were invalid: Type mismatch for key {name} expected: {} actual: {}",
                    ty,
                    crate::attr::type_name(v)
                )));
            }
            key_part_checked(name, v)
        };
        let hash = part(&self.hash)?;
        let range = self.range.as_ref().map(part).transpose()?;
        check_key_sizes(&hash, range.as_ref())?;
        Ok((hash, range))
    }

    /// The primary key a request names (`Key` of GetItem …): exactly the key
    /// attributes, of the declared types.
    pub fn key_of_key(&self, key: &Item) -> Result<PrimaryKey, ServiceError> {
        let mismatch = || validation("The provided key element does not match the schema");
        if key.len() != self.names().len() {
            return Err(mismatch());
        }
        let part = |(name, ty): &(String, ScalarAttributeType)| -> Result<KeyPart, ServiceError> {
            let v = key.get(name).ok_or_else(mismatch)?;
            if !type_matches(ty, v) {
                return Err(mismatch());
            }
            key_part_checked(name, v)
        };
        let hash = part(&self.hash)?;
        let range = self.range.as_ref().map(part).transpose()?;
        check_key_sizes(&hash, range.as_ref())?;
        Ok((hash, range))
    }

    pub fn key_attributes(&self, item: &Item) -> Item {
        self.names().into_iter().filter_map(|n| Some((n.clone(), item.get(n)?.clone()))).collect()
    }
}

fn key_part_checked(name: &str, v: &AttributeValue) -> Result<KeyPart, ServiceError> {
    match v {
        AttributeValue::S(s) if s.is_empty() => Err(validation(format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: {name}"
        ))),
        AttributeValue::B(b) if b.is_empty() => Err(validation(format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: {name}"
        ))),
        AttributeValue::N(n) => crate::number::Number::parse(n).map(KeyPart::N).map_err(|e| validation(e.message())),
        _ => KeyPart::from_value(v).ok_or_else(|| validation("The provided key element does not match the schema")),
    }
}

fn check_key_sizes(hash: &KeyPart, range: Option<&KeyPart>) -> Result<(), ServiceError> {
    if value_size(&hash.to_value()) > 2048 {
        return Err(validation(
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
        ));
    }
    if let Some(r) = range {
        if value_size(&r.to_value()) > 1024 {
            return Err(validation(
                "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Index {
    pub name: String,
    pub global: bool,
    pub schema: KeySchema,
    pub projection: Projection,
    pub throughput: Option<ProvisionedThroughputDescription>,
    /// Index partition → index sort key → primary keys of the items there.
    pub entries: Partitions<BTreeSet<PrimaryKey>>,
}

impl Index {
    /// The index key of an item, or `None` when the item lacks an index key
    /// attribute (it is then not in the index). Wrong types and empty values
    /// are refused as AWS does.
    pub fn key_of(&self, item: &Item) -> Result<Option<(KeyPart, Option<KeyPart>)>, ServiceError> {
        let part = |(name, ty): &(String, ScalarAttributeType)| -> Result<Option<KeyPart>, ServiceError> {
            let Some(v) = item.get(name) else { return Ok(None) };
            if !type_matches(ty, v) {
                return Err(validation(format!(
                    "One or more parameter values were invalid: Type mismatch for Index Key {name} Expected: {ty} Actual: {} IndexName: {}",
                    crate::attr::type_name(v),
                    self.name
                )));
            }
            let empty = matches!(v, AttributeValue::S(s) if s.is_empty()) || matches!(v, AttributeValue::B(b) if b.is_empty());
            if empty {
                return Err(validation(format!(
                    "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {} value. IndexName: {}, IndexKey: {name}",
                    if matches!(v, AttributeValue::S(_)) { "string" } else { "binary" },
                    self.name
                )));
            }
            Ok(KeyPart::from_value(v))
        };
        let Some(hash) = part(&self.schema.hash)? else { return Ok(None) };
        let range = match &self.schema.range {
            Some(r) => match part(r)? {
                Some(p) => Some(p),
                None => return Ok(None),
            },
            None => None,
        };
        Ok(Some((hash, range)))
    }

    /// The attributes of an item the index holds.
    pub fn project(&self, item: &Item, table: &KeySchema) -> Item {
        match self.projection.projection_type {
            Some(ProjectionType::All) | None => item.clone(),
            _ => item
                .iter()
                .filter(|(k, _)| {
                    table.is_key(k)
                        || self.schema.is_key(k)
                        || self.projection.non_key_attributes.as_ref().is_some_and(|n| n.contains(k))
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    pub fn projects_all(&self) -> bool {
        matches!(self.projection.projection_type, Some(ProjectionType::All) | None)
    }
}

/// Values ordered by partition key, then by sort key inside a partition:
/// reaching a partition is logarithmic, and a key condition on the sort key
/// is a range of the partition's own tree.
#[derive(Debug, Clone)]
pub struct Partitions<V> {
    pub parts: BTreeMap<KeyPart, BTreeMap<Option<KeyPart>, V>>,
}

impl<V> Default for Partitions<V> {
    fn default() -> Self {
        Partitions { parts: BTreeMap::new() }
    }
}

impl<V> Partitions<V> {
    pub fn get(&self, key: &PrimaryKey) -> Option<&V> {
        self.parts.get(&key.0)?.get(&key.1)
    }

    pub fn insert(&mut self, key: PrimaryKey, v: V) -> Option<V> {
        self.parts.entry(key.0).or_default().insert(key.1, v)
    }

    pub fn remove(&mut self, key: &PrimaryKey) -> Option<V> {
        let part = self.parts.get_mut(&key.0)?;
        let old = part.remove(&key.1);
        if part.is_empty() {
            self.parts.remove(&key.0);
        }
        old
    }

    pub fn iter(&self) -> impl Iterator<Item = (&KeyPart, &Option<KeyPart>, &V)> {
        self.parts.iter().flat_map(|(h, part)| part.iter().map(move |(r, v)| (h, r, v)))
    }
}

impl Partitions<BTreeSet<PrimaryKey>> {
    fn add(&mut self, key: (KeyPart, Option<KeyPart>), pk: PrimaryKey) {
        self.parts.entry(key.0).or_default().entry(key.1).or_default().insert(pk);
    }

    fn drop_entry(&mut self, key: &(KeyPart, Option<KeyPart>), pk: &PrimaryKey) {
        let Some(part) = self.parts.get_mut(&key.0) else { return };
        if let Some(set) = part.get_mut(&key.1) {
            set.remove(pk);
            if set.is_empty() {
                part.remove(&key.1);
            }
        }
        if part.is_empty() {
            self.parts.remove(&key.0);
        }
    }

    pub fn count(&self) -> usize {
        self.parts.values().flat_map(|p| p.values()).map(|s| s.len()).sum()
    }

    pub fn primary_keys(&self) -> impl Iterator<Item = &PrimaryKey> {
        self.parts.values().flat_map(|p| p.values()).flatten()
    }
}

pub struct Table {
    pub description: TableDescription,
    pub schema: KeySchema,
    pub items: Partitions<Item>,
    pub item_count: usize,
    pub indexes: Vec<Index>,
    pub size_bytes: i64,
    pub tags: Vec<Tag>,
    pub ttl_attribute: Option<String>,
    /// (expiry in epoch seconds, key) of every item with a numeric TTL
    /// attribute, so the TTL sweep reads only what has expired.
    pub expiries: BTreeSet<(i64, PrimaryKey)>,
    pub resource_policy: Option<(String, String)>,
    pub stream: Option<crate::streams::TableStream>,
    /// Point-in-time recovery: what the table held when it was enabled and
    /// every change since, so any moment in between can be rebuilt.
    pub pitr: Option<PitrLog>,
    /// CloudWatch Contributor Insights per table (None) or index: whether
    /// enabled, and since when.
    pub insights: BTreeMap<Option<String>, (bool, simfra_model::Timestamp)>,
    /// Global table (version 2019.11.21): the other regions holding a
    /// replica, and local changes waiting to be copied to them.
    pub replicas: Vec<String>,
    pub outbox: Vec<(PrimaryKey, Option<Item>)>,
}

pub struct PitrLog {
    pub enabled_at: simfra_model::Timestamp,
    pub base: Partitions<Item>,
    pub changes: Vec<(i64, PrimaryKey, Option<Item>)>,
}

impl PitrLog {
    /// The items as they were at `millis` (epoch milliseconds).
    pub fn items_at(&self, millis: i64) -> Partitions<Item> {
        let mut items = self.base.clone();
        for (at, key, new) in self.changes.iter().take_while(|(at, _, _)| *at <= millis) {
            let _ = at;
            match new {
                Some(i) => {
                    items.insert(key.clone(), i.clone());
                }
                None => {
                    items.remove(key);
                }
            }
        }
        items
    }
}

/// One committed change to an item, as streams and TTL see it.
pub struct Change {
    pub old: Option<Item>,
    pub new: Option<Item>,
}

/// An item's expiry under TTL: the attribute's value when it is a number
/// (epoch seconds); other types never expire.
pub fn expiry(item: &Item, attribute: &str) -> Option<i64> {
    match item.get(attribute) {
        Some(AttributeValue::N(n)) => n.parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| f as i64),
        _ => None,
    }
}

impl Table {
    /// Turns TTL on or off for an attribute, indexing current expiries.
    pub fn set_ttl(&mut self, attribute: Option<String>) {
        self.expiries.clear();
        if let Some(a) = &attribute {
            for (h, r, item) in self.items.iter() {
                if let Some(at) = expiry(item, a) {
                    self.expiries.insert((at, (h.clone(), r.clone())));
                }
            }
        }
        self.ttl_attribute = attribute;
    }

    /// Adds every current item to a new index (an online index's backfill).
    pub fn backfill(&self, index: &mut Index) {
        for (h, r, item) in self.items.iter() {
            if let Ok(Some(k)) = index.key_of(item) {
                index.entries.add(k, (h.clone(), r.clone()));
            }
        }
    }

    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// Refuses an item whose index key attributes break an index's schema,
    /// before anything is written.
    pub fn check_index_keys(&self, item: &Item) -> Result<(), ServiceError> {
        for index in &self.indexes {
            index.key_of(item)?;
        }
        Ok(())
    }

    /// Stores (or with `None`, deletes) the item at `key`, keeping every
    /// index and the table size current, and records the change for the
    /// table's stream. Returns the item that was there.
    pub fn write(&mut self, key: PrimaryKey, new: Option<Item>, identity: Option<&crate::streams::UserIdentity>) -> Option<Item> {
        if !self.replicas.is_empty() {
            self.outbox.push((key.clone(), new.clone()));
        }
        self.apply(key, new, identity)
    }

    /// A write as `write`, but not queued for the other replicas (it is
    /// itself a replicated change).
    pub fn apply(&mut self, key: PrimaryKey, new: Option<Item>, identity: Option<&crate::streams::UserIdentity>) -> Option<Item> {
        let old = match &new {
            Some(item) => self.items.insert(key.clone(), item.clone()),
            None => self.items.remove(&key),
        };
        self.item_count = self.item_count + new.is_some() as usize - old.is_some() as usize;
        for index in &mut self.indexes {
            if let Some(o) = &old {
                if let Ok(Some(k)) = index.key_of(o) {
                    index.entries.drop_entry(&k, &key);
                }
            }
            if let Some(n) = &new {
                if let Ok(Some(k)) = index.key_of(n) {
                    index.entries.add(k, key.clone());
                }
            }
        }
        if let Some(attr) = &self.ttl_attribute {
            if let Some(at) = old.as_ref().and_then(|o| expiry(o, attr)) {
                self.expiries.remove(&(at, key.clone()));
            }
            if let Some(at) = new.as_ref().and_then(|n| expiry(n, attr)) {
                self.expiries.insert((at, key.clone()));
            }
        }
        if let Some(log) = &mut self.pitr {
            log.changes.push((simfra_model::Timestamp::now().as_millis(), key.clone(), new.clone()));
        }
        self.size_bytes += new.as_ref().map(|i| crate::attr::item_size(i) as i64).unwrap_or(0)
            - old.as_ref().map(|i| crate::attr::item_size(i) as i64).unwrap_or(0);
        // A write that changes nothing leaves no stream record (AWS's rule).
        let unchanged = match (&old, &new) {
            (Some(o), Some(n)) => o.len() == n.len() && o.iter().all(|(k, v)| n.get(k).is_some_and(|w| crate::attr::equal(v, w))),
            (None, None) => true,
            _ => false,
        };
        if !unchanged {
            if let Some(stream) = &mut self.stream {
                stream.record(&self.schema, Change { old: old.clone(), new }, identity);
            }
        }
        old
    }

    /// A new table with this one's schema, indexes and settings holding
    /// `items` (a restore from a backup or a point in time).
    pub fn restored(&self, name: &str, arn: &str, items: Partitions<Item>, summary: RestoreSummary) -> Table {
        let mut description = self.description.clone();
        description.table_name = Some(name.to_string());
        description.table_arn = Some(arn.to_string());
        description.table_id = Some(crate::new_id());
        description.creation_date_time = Some(simfra_model::Timestamp::now());
        description.table_status = Some(TableStatus::Active);
        description.restore_summary = Some(summary);
        description.stream_specification = None;
        description.latest_stream_arn = None;
        description.latest_stream_label = None;
        description.deletion_protection_enabled = Some(false);
        description.replicas = None;
        description.global_table_version = None;
        let mut table = Table {
            description,
            schema: self.schema.clone(),
            items: Partitions::default(),
            item_count: 0,
            indexes: self.indexes.iter().map(|i| Index { entries: Partitions::default(), ..i.clone() }).collect(),
            size_bytes: 0,
            tags: Vec::new(),
            ttl_attribute: None,
            expiries: BTreeSet::new(),
            resource_policy: None,
            stream: None,
            pitr: None,
            insights: BTreeMap::new(),
            replicas: Vec::new(),
            outbox: Vec::new(),
        };
        for (h, r, item) in items.iter() {
            table.write((h.clone(), r.clone()), Some(item.clone()), None);
        }
        table
    }

    /// The description as DescribeTable shows it now (counts and sizes).
    pub fn describe(&self) -> TableDescription {
        let mut d = self.description.clone();
        // AWS answers attribute definitions sorted by name.
        if let Some(defs) = &mut d.attribute_definitions {
            defs.sort_by(|a, b| a.attribute_name.cmp(&b.attribute_name));
        }
        d.item_count = Some(self.item_count as i64);
        d.table_size_bytes = Some(self.size_bytes);
        let index_size = |idx: &Index| -> i64 {
            idx.entries.primary_keys().filter_map(|k| self.items.get(k)).map(|i| crate::attr::item_size(&idx.project(i, &self.schema)) as i64).sum()
        };
        let table_arn = d.table_arn.clone().unwrap_or_default();
        let gsis: Vec<GlobalSecondaryIndexDescription> = self
            .indexes
            .iter()
            .filter(|i| i.global)
            .map(|i| GlobalSecondaryIndexDescription {
                index_name: Some(i.name.clone()),
                key_schema: Some(i.schema.elements()),
                projection: Some(i.projection.clone()),
                index_status: Some(IndexStatus::Active),
                provisioned_throughput: i.throughput.clone(),
                index_size_bytes: Some(index_size(i)),
                item_count: Some(i.entries.count() as i64),
                index_arn: Some(format!("{table_arn}/index/{}", i.name)),
                ..Default::default()
            })
            .collect();
        let lsis: Vec<LocalSecondaryIndexDescription> = self
            .indexes
            .iter()
            .filter(|i| !i.global)
            .map(|i| LocalSecondaryIndexDescription {
                index_name: Some(i.name.clone()),
                key_schema: Some(i.schema.elements()),
                projection: Some(i.projection.clone()),
                index_size_bytes: Some(index_size(i)),
                item_count: Some(i.entries.count() as i64),
                index_arn: Some(format!("{table_arn}/index/{}", i.name)),
            })
            .collect();
        d.global_secondary_indexes = (!gsis.is_empty()).then_some(gsis);
        if !self.replicas.is_empty() {
            d.global_table_version = Some("2019.11.21".into());
            d.replicas = Some(
                self.replicas
                    .iter()
                    .map(|r| ReplicaDescription { region_name: Some(r.clone()), replica_status: Some(ReplicaStatus::Active), ..Default::default() })
                    .collect(),
            );
        }
        d.local_secondary_indexes = (!lsis.is_empty()).then_some(lsis);
        d
    }
}
