//! A Smithy model in memory: the shapes of one or more JSON AST documents,
//! merged, with the prelude added. Shapes stay as their JSON AST objects; the
//! accessors here read them.

use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Default)]
pub struct Model {
    /// Absolute shape id → JSON AST shape object.
    pub shapes: BTreeMap<String, Json>,
}

/// The prelude shapes the JSON AST refers to without defining.
fn prelude() -> Vec<(&'static str, Json)> {
    let simple = |t: &str| json!({ "type": t });
    let primitive = |t: &str, d: Json| json!({ "type": t, "traits": { "smithy.api#default": d } });
    vec![
        ("smithy.api#String", simple("string")),
        ("smithy.api#Blob", simple("blob")),
        ("smithy.api#Boolean", simple("boolean")),
        ("smithy.api#Byte", simple("byte")),
        ("smithy.api#Short", simple("short")),
        ("smithy.api#Integer", simple("integer")),
        ("smithy.api#Long", simple("long")),
        ("smithy.api#Float", simple("float")),
        ("smithy.api#Double", simple("double")),
        ("smithy.api#BigInteger", simple("bigInteger")),
        ("smithy.api#BigDecimal", simple("bigDecimal")),
        ("smithy.api#Timestamp", simple("timestamp")),
        ("smithy.api#Document", simple("document")),
        ("smithy.api#PrimitiveBoolean", primitive("boolean", json!(false))),
        ("smithy.api#PrimitiveByte", primitive("byte", json!(0))),
        ("smithy.api#PrimitiveShort", primitive("short", json!(0))),
        ("smithy.api#PrimitiveInteger", primitive("integer", json!(0))),
        ("smithy.api#PrimitiveLong", primitive("long", json!(0))),
        ("smithy.api#PrimitiveFloat", primitive("float", json!(0))),
        ("smithy.api#PrimitiveDouble", primitive("double", json!(0))),
        ("smithy.api#Unit", json!({ "type": "structure", "members": {}, "traits": { "smithy.api#unitType": {} } })),
    ]
}

pub const UNIT: &str = "smithy.api#Unit";

impl Model {
    pub fn new() -> Self {
        let mut m = Model::default();
        for (id, s) in prelude() {
            m.shapes.insert(id.to_string(), s);
        }
        m
    }

    /// Adds the shapes of a JSON AST document (later documents win on conflicts).
    pub fn add_ast(&mut self, ast: Json) -> Result<(), String> {
        let Json::Object(mut root) = ast else { return Err("model is not a JSON object".into()) };
        let Some(Json::Object(shapes)) = root.remove("shapes") else { return Err("model has no shapes".into()) };
        for (id, shape) in shapes {
            if shape.get("type").and_then(Json::as_str) == Some("apply") {
                return Err(format!("unmerged apply statement for {id}"));
            }
            self.shapes.insert(id, shape);
        }
        Ok(())
    }

    pub fn load_json_file(&mut self, path: &Path) -> Result<(), String> {
        let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let ast: Json = serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        self.add_ast(ast)
    }

    pub fn get(&self, id: &str) -> Option<&Json> {
        self.shapes.get(id)
    }

    pub fn shape_type<'a>(&'a self, id: &str) -> &'a str {
        self.get(id).and_then(|s| s.get("type")).and_then(Json::as_str).unwrap_or("")
    }

    /// Ids of all service shapes.
    pub fn services(&self) -> Vec<&str> {
        self.shapes
            .iter()
            .filter(|(_, s)| s.get("type").and_then(Json::as_str) == Some("service"))
            .map(|(id, _)| id.as_str())
            .collect()
    }
}

/// The local name of a shape id (`com.amazonaws.sqs#SendMessage` → `SendMessage`).
pub fn local_name(id: &str) -> &str {
    id.rsplit_once('#').map(|(_, n)| n).unwrap_or(id)
}

pub fn namespace(id: &str) -> &str {
    id.split_once('#').map(|(ns, _)| ns).unwrap_or("")
}

pub fn traits(shape: &Json) -> Option<&Map<String, Json>> {
    shape.get("traits").and_then(Json::as_object)
}

pub fn trait_value<'a>(shape: &'a Json, name: &str) -> Option<&'a Json> {
    traits(shape).and_then(|t| t.get(name))
}

pub fn has_trait(shape: &Json, name: &str) -> bool {
    trait_value(shape, name).is_some()
}

/// `{"target": "x"}` → `x`
pub fn target(v: &Json) -> Option<&str> {
    v.get("target").and_then(Json::as_str)
}

/// The `[{"target": ...}]` list under `key` of a shape.
pub fn targets<'a>(shape: &'a Json, key: &str) -> Vec<&'a str> {
    shape
        .get(key)
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(target).collect())
        .unwrap_or_default()
}

/// Members in declaration order: (name, member object).
pub fn members(shape: &Json) -> Vec<(&str, &Json)> {
    match shape.get("type").and_then(Json::as_str) {
        Some("list") | Some("set") => shape.get("member").map(|m| vec![("member", m)]).unwrap_or_default(),
        Some("map") => {
            let mut v = Vec::new();
            if let Some(k) = shape.get("key") {
                v.push(("key", k));
            }
            if let Some(val) = shape.get("value") {
                v.push(("value", val));
            }
            v
        }
        _ => shape
            .get("members")
            .and_then(Json::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default(),
    }
}
