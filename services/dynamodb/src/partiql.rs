//! PartiQL for DynamoDB: ExecuteStatement, BatchExecuteStatement and
//! ExecuteTransaction with SELECT, INSERT, UPDATE and DELETE. Statements are
//! parsed here (PartiQL's own lexical rules: 'strings', "identifiers",
//! `?` parameters, `<<sets>>`) into the same condition and update trees the
//! expression language uses, so evaluation is shared.

use crate::attr::{canonical, Item};
use crate::expr::eval;
use crate::expr::parser::{CmpOp, Cond, Elem, Operand, Path, Update};
use crate::items::{apply_update, condition_holds, prepare_put, resource_not_found};
use crate::table::{PrimaryKey, Table};
use crate::{validation, Region};
use simfra_gen_dynamodb::types::*;
use simfra_model::ServiceError;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
    Str(String),
    Num(String),
    Param,
    Sym(&'static str),
    Eof,
}

fn malformed(detail: impl std::fmt::Display) -> ServiceError {
    validation(format!("Statement wasn't well formed, can't be processed: {detail}"))
}

fn tokenize(src: &str) -> Result<Vec<Tok>, ServiceError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    const SYMS: &[&str] = &["<<", ">>", "<>", "!=", "<=", ">=", "=", "<", ">", ",", ".", "(", ")", "[", "]", "{", "}", ":", "+", "-", "*"];
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(malformed("Unexpected end of statement in quoted text")),
                    Some(q) if *q == c => {
                        if chars.get(i + 1) == Some(&c) {
                            s.push(c);
                            i += 2;
                        } else {
                            i += 1;
                            break;
                        }
                    }
                    Some(other) => {
                        s.push(*other);
                        i += 1;
                    }
                }
            }
            out.push(if c == '\'' { Tok::Str(s) } else { Tok::Quoted(s) });
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == 'e' || chars[i] == 'E'
                || ((chars[i] == '-' || chars[i] == '+') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            out.push(Tok::Num(chars[start..i].iter().collect()));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
            continue;
        }
        if c == '?' {
            out.push(Tok::Param);
            i += 1;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        match SYMS.iter().find(|s| rest.starts_with(**s)) {
            Some(s) => {
                out.push(Tok::Sym(s));
                i += s.len();
            }
            None => return Err(malformed(format!("Unexpected character: {c}"))),
        }
    }
    out.push(Tok::Eof);
    Ok(out)
}

enum Statement {
    Select { table: String, index: Option<String>, projection: Option<Vec<Path>>, cond: Option<Cond> },
    Insert { table: String, item: Item },
    Update { table: String, update: Update, cond: Cond },
    Delete { table: String, cond: Cond },
}

impl Statement {
    fn table(&self) -> &str {
        match self {
            Statement::Select { table, .. } | Statement::Insert { table, .. } | Statement::Update { table, .. } | Statement::Delete { table, .. } => table,
        }
    }
}

struct Parser<'p> {
    toks: Vec<Tok>,
    pos: usize,
    params: &'p [AttributeValue],
    next_param: usize,
}

impl<'p> Parser<'p> {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&Tok::Eof)
    }

    /// The next token; the position always advances, so that stepping
    /// back after a bump names the token again (also at the end).
    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x.eq_ignore_ascii_case(w))
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn want_word(&mut self, w: &str) -> Result<(), ServiceError> {
        if self.eat_word(w) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Tok::Sym(x) if *x == s) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn want(&mut self, s: &str) -> Result<(), ServiceError> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> ServiceError {
        match self.peek() {
            Tok::Eof => malformed("Unexpected end of statement"),
            Tok::Word(w) | Tok::Quoted(w) | Tok::Num(w) => malformed(format!("Unexpected token: {w}")),
            Tok::Str(s) => malformed(format!("Unexpected token: '{s}'")),
            Tok::Param => malformed("Unexpected token: ?"),
            Tok::Sym(s) => malformed(format!("Unexpected token: {s}")),
        }
    }

    fn name(&mut self) -> Result<String, ServiceError> {
        match self.bump() {
            Tok::Word(w) | Tok::Quoted(w) => Ok(w),
            _ => {
                self.pos -= 1;
                Err(self.unexpected())
            }
        }
    }

    fn path(&mut self) -> Result<Path, ServiceError> {
        let mut path = vec![Elem::Key(self.name()?)];
        loop {
            if self.eat(".") {
                path.push(Elem::Key(self.name()?));
            } else if self.eat("[") {
                match self.bump() {
                    Tok::Num(n) => path.push(Elem::Index(n.parse().map_err(|_| malformed(format!("Invalid list index: {n}")))?)),
                    Tok::Str(s) => path.push(Elem::Key(s)),
                    _ => return Err(malformed("Expected a list index or map key")),
                }
                self.want("]")?;
            } else {
                return Ok(path);
            }
        }
    }

    fn literal(&mut self) -> Result<AttributeValue, ServiceError> {
        let v = match self.bump() {
            Tok::Str(s) => AttributeValue::S(s),
            Tok::Num(n) => AttributeValue::N(n),
            Tok::Sym("-") => match self.bump() {
                Tok::Num(n) => AttributeValue::N(format!("-{n}")),
                _ => return Err(malformed("Expected a number after -")),
            },
            Tok::Param => {
                let v = self.params.get(self.next_param).cloned().ok_or_else(|| {
                    validation("Number of parameters in request and statement don't match.")
                })?;
                self.next_param += 1;
                v
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("true") => AttributeValue::Bool(true),
            Tok::Word(w) if w.eq_ignore_ascii_case("false") => AttributeValue::Bool(false),
            Tok::Word(w) if w.eq_ignore_ascii_case("null") => AttributeValue::Null(true),
            Tok::Sym("[") => {
                let mut list = Vec::new();
                if !self.eat("]") {
                    loop {
                        list.push(self.literal()?);
                        if self.eat("]") {
                            break;
                        }
                        self.want(",")?;
                    }
                }
                AttributeValue::L(list)
            }
            Tok::Sym("{") => {
                let mut map = HashMap::new();
                if !self.eat("}") {
                    loop {
                        let key = match self.bump() {
                            Tok::Str(s) | Tok::Quoted(s) => s,
                            _ => return Err(malformed("Expected a string as map key")),
                        };
                        self.want(":")?;
                        map.insert(key, self.literal()?);
                        if self.eat("}") {
                            break;
                        }
                        self.want(",")?;
                    }
                }
                AttributeValue::M(map)
            }
            Tok::Sym("<<") => {
                let mut members = Vec::new();
                loop {
                    members.push(self.literal()?);
                    if self.eat(">>") {
                        break;
                    }
                    self.want(",")?;
                }
                let all = |f: fn(&AttributeValue) -> bool| members.iter().all(f);
                if all(|v| matches!(v, AttributeValue::S(_))) {
                    AttributeValue::Ss(members.into_iter().filter_map(|v| if let AttributeValue::S(s) = v { Some(s) } else { None }).collect())
                } else if all(|v| matches!(v, AttributeValue::N(_))) {
                    AttributeValue::Ns(members.into_iter().filter_map(|v| if let AttributeValue::N(s) = v { Some(s) } else { None }).collect())
                } else if all(|v| matches!(v, AttributeValue::B(_))) {
                    AttributeValue::Bs(members.into_iter().filter_map(|v| if let AttributeValue::B(s) = v { Some(s) } else { None }).collect())
                } else {
                    return Err(validation("Unsupported set type: sets must hold only strings, numbers or binaries of one type"));
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.unexpected());
            }
        };
        canonical(&v).map_err(validation)
    }

    fn starts_literal(&self) -> bool {
        match self.peek() {
            Tok::Str(_) | Tok::Num(_) | Tok::Param => true,
            Tok::Sym(s) => ["[", "{", "<<", "-"].contains(s),
            Tok::Word(w) => ["true", "false", "null"].iter().any(|k| w.eq_ignore_ascii_case(k)),
            _ => false,
        }
    }

    fn operand(&mut self) -> Result<Operand, ServiceError> {
        if self.starts_literal() {
            return Ok(Operand::Value(self.literal()?));
        }
        if let Tok::Word(w) = self.peek().clone() {
            if w.eq_ignore_ascii_case("size") && self.toks.get(self.pos + 1) == Some(&Tok::Sym("(")) {
                self.bump();
                self.want("(")?;
                let p = self.path()?;
                self.want(")")?;
                return Ok(Operand::Size(p));
            }
        }
        Ok(Operand::Path(self.path()?))
    }

    fn condition(&mut self) -> Result<Cond, ServiceError> {
        let mut left = self.and()?;
        while self.eat_word("OR") {
            left = Cond::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Cond, ServiceError> {
        let mut left = self.not()?;
        while self.eat_word("AND") {
            left = Cond::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Cond, ServiceError> {
        if self.eat_word("NOT") {
            return Ok(Cond::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Cond, ServiceError> {
        if self.eat("(") {
            let c = self.condition()?;
            self.want(")")?;
            return Ok(c);
        }
        if let Tok::Word(w) = self.peek().clone() {
            let lower = w.to_ascii_lowercase();
            if ["begins_with", "contains", "attribute_type", "exists", "missing"].contains(&lower.as_str())
                && self.toks.get(self.pos + 1) == Some(&Tok::Sym("("))
            {
                self.bump();
                self.want("(")?;
                let a = self.operand()?;
                let mut args = vec![a];
                while self.eat(",") {
                    args.push(self.operand()?);
                }
                self.want(")")?;
                let mut it = args.into_iter();
                let (a, b) = (it.next(), it.next());
                return match (lower.as_str(), a, b) {
                    ("begins_with", Some(a), Some(b)) => Ok(Cond::BeginsWith(a, b)),
                    ("contains", Some(a), Some(b)) => Ok(Cond::Contains(a, b)),
                    ("attribute_type", Some(Operand::Path(p)), Some(Operand::Value(AttributeValue::S(t)))) => Ok(Cond::AttributeType(p, t)),
                    ("exists", Some(Operand::Path(p)), None) => Ok(Cond::Exists(p)),
                    ("missing", Some(Operand::Path(p)), None) => Ok(Cond::NotExists(p)),
                    _ => Err(validation(format!("Invalid function call: {lower}"))),
                };
            }
        }
        let left = self.operand()?;
        if self.eat_word("IS") {
            let negated = self.eat_word("NOT");
            let path = match &left {
                Operand::Path(p) => p.clone(),
                _ => return Err(malformed("IS needs a path")),
            };
            let c = if self.eat_word("MISSING") {
                Cond::NotExists(path)
            } else if self.eat_word("NULL") {
                Cond::AttributeType(path, "NULL".into())
            } else {
                return Err(self.unexpected());
            };
            return Ok(if negated { Cond::Not(Box::new(c)) } else { c });
        }
        if self.eat_word("BETWEEN") {
            let lo = self.operand()?;
            self.want_word("AND")?;
            let hi = self.operand()?;
            return Ok(Cond::Between(left, lo, hi));
        }
        if self.eat_word("IN") {
            let close = if self.eat("[") { "]" } else { self.want("(")?; ")" };
            let mut list = vec![self.operand()?];
            while self.eat(",") {
                list.push(self.operand()?);
            }
            self.want(close)?;
            return Ok(Cond::In(left, list));
        }
        let op = match self.bump() {
            Tok::Sym("=") => CmpOp::Eq,
            Tok::Sym("<>") | Tok::Sym("!=") => CmpOp::Ne,
            Tok::Sym("<") => CmpOp::Lt,
            Tok::Sym("<=") => CmpOp::Le,
            Tok::Sym(">") => CmpOp::Gt,
            Tok::Sym(">=") => CmpOp::Ge,
            _ => {
                self.pos -= 1;
                return Err(self.unexpected());
            }
        };
        Ok(Cond::Compare(left, op, self.operand()?))
    }

    fn table_ref(&mut self) -> Result<(String, Option<String>), ServiceError> {
        let table = self.name()?;
        let index = if self.eat(".") { Some(self.name()?) } else { None };
        Ok((table, index))
    }

    fn statement(&mut self) -> Result<Statement, ServiceError> {
        let stmt = if self.eat_word("SELECT") {
            let projection = if self.eat("*") {
                None
            } else {
                let mut paths = vec![self.path()?];
                while self.eat(",") {
                    paths.push(self.path()?);
                }
                Some(paths)
            };
            self.want_word("FROM")?;
            let (table, index) = self.table_ref()?;
            let cond = if self.eat_word("WHERE") { Some(self.condition()?) } else { None };
            Statement::Select { table, index, projection, cond }
        } else if self.eat_word("INSERT") {
            self.want_word("INTO")?;
            let table = self.name()?;
            self.want_word("VALUE")?;
            let AttributeValue::M(item) = self.literal()? else { return Err(validation("Unsupported operation: Only a map can be inserted")) };
            Statement::Insert { table, item }
        } else if self.eat_word("UPDATE") {
            let table = self.name()?;
            let mut update = Update::default();
            loop {
                if self.eat_word("SET") {
                    let path = self.path()?;
                    self.want("=")?;
                    let value = self.set_value(&path, &mut update)?;
                    if let Some(v) = value {
                        update.set.push((path, v));
                    }
                } else if self.eat_word("REMOVE") {
                    update.remove.push(self.path()?);
                } else {
                    break;
                }
                self.eat(",");
            }
            if update.set.is_empty() && update.remove.is_empty() && update.add.is_empty() && update.delete.is_empty() {
                return Err(self.unexpected());
            }
            self.want_word("WHERE")?;
            let cond = self.condition()?;
            Statement::Update { table, update, cond }
        } else if self.eat_word("DELETE") {
            self.want_word("FROM")?;
            let table = self.name()?;
            self.want_word("WHERE")?;
            let cond = self.condition()?;
            Statement::Delete { table, cond }
        } else {
            return Err(self.unexpected());
        };
        if self.eat_word("RETURNING") {
            return Err(validation("RETURNING is not supported by this implementation"));
        }
        if *self.peek() != Tok::Eof {
            return Err(self.unexpected());
        }
        if self.next_param != self.params.len() {
            return Err(validation("Number of parameters in request and statement don't match."));
        }
        Ok(stmt)
    }

    /// The value of `SET path = …`; `set_add`/`set_delete` become ADD/DELETE.
    fn set_value(&mut self, path: &Path, update: &mut Update) -> Result<Option<Operand>, ServiceError> {
        if let Tok::Word(w) = self.peek().clone() {
            let lower = w.to_ascii_lowercase();
            if ["set_add", "set_delete", "list_append"].contains(&lower.as_str()) && self.toks.get(self.pos + 1) == Some(&Tok::Sym("(")) {
                self.bump();
                self.want("(")?;
                let a = self.operand()?;
                self.want(",")?;
                let b = self.operand()?;
                self.want(")")?;
                return match (lower.as_str(), b) {
                    ("set_add", Operand::Value(v)) => {
                        update.add.push((path.clone(), v));
                        Ok(None)
                    }
                    ("set_delete", Operand::Value(v)) => {
                        update.delete.push((path.clone(), v));
                        Ok(None)
                    }
                    ("list_append", b) => Ok(Some(Operand::ListAppend(Box::new(a), Box::new(b)))),
                    _ => Err(validation(format!("Invalid function call: {lower}"))),
                };
            }
        }
        let left = self.operand()?;
        if self.eat("+") {
            return Ok(Some(Operand::Plus(Box::new(left), Box::new(self.operand()?))));
        }
        if self.eat("-") {
            return Ok(Some(Operand::Minus(Box::new(left), Box::new(self.operand()?))));
        }
        Ok(Some(left))
    }
}

fn parse(statement: &str, params: Option<&Vec<AttributeValue>>) -> Result<Statement, ServiceError> {
    let params = params.map(|p| p.as_slice()).unwrap_or(&[]);
    let mut p = Parser { toks: tokenize(statement)?, pos: 0, params, next_param: 0 };
    p.statement()
}

/// The equality on every key attribute a WHERE clause must contain.
fn key_from_where(table: &Table, cond: &Cond) -> Result<(PrimaryKey, Item), ServiceError> {
    fn collect(c: &Cond, out: &mut BTreeMap<String, AttributeValue>) {
        match c {
            Cond::And(a, b) => {
                collect(a, out);
                collect(b, out);
            }
            Cond::Compare(Operand::Path(p), CmpOp::Eq, Operand::Value(v)) | Cond::Compare(Operand::Value(v), CmpOp::Eq, Operand::Path(p)) => {
                if let [Elem::Key(k)] = p.as_slice() {
                    out.insert(k.clone(), v.clone());
                }
            }
            _ => {}
        }
    }
    let mut eqs = BTreeMap::new();
    collect(cond, &mut eqs);
    let key: Item = table.schema.names().into_iter().filter_map(|n| Some((n.clone(), eqs.get(n)?.clone()))).collect();
    if key.len() != table.schema.names().len() {
        return Err(validation("Where clause does not contain a mandatory equality on all key attributes"));
    }
    Ok((table.schema.key_of_key(&key)?, key))
}

enum Failure {
    Condition(Option<Item>),
    Duplicate,
    Error(ServiceError),
}

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        Failure::Error(e)
    }
}

/// The write a statement makes, decided against the current items.
fn plan_write(table: &Table, stmt: &Statement) -> Result<(PrimaryKey, Option<Item>), Failure> {
    match stmt {
        Statement::Insert { item, .. } => {
            let (key, item) = prepare_put(table, item)?;
            if table.items.get(&key).is_some() {
                return Err(Failure::Duplicate);
            }
            Ok((key, Some(item)))
        }
        Statement::Update { update, cond, .. } => {
            let (key, key_item) = key_from_where(table, cond)?;
            crate::items::check_update_keys(table, update)?;
            let old = table.items.get(&key);
            if old.is_none() || !condition_holds(Some(cond), old) {
                return Err(Failure::Condition(old.cloned()));
            }
            Ok((key, Some(apply_update(table, &key_item, old, Some(update))?)))
        }
        Statement::Delete { cond, .. } => {
            let (key, _) = key_from_where(table, cond)?;
            let old = table.items.get(&key);
            match old {
                None => Ok((key, None)),
                Some(o) if eval::matches(o, cond) => Ok((key, None)),
                Some(o) => Err(Failure::Condition(Some(o.clone()))),
            }
        }
        Statement::Select { .. } => Err(Failure::Error(validation("SELECT is not a write"))),
    }
}

fn failure_error(f: Failure, on_fail: Option<&ReturnValuesOnConditionCheckFailure>) -> ServiceError {
    match f {
        Failure::Condition(old) => crate::items::condition_failed(old.as_ref(), on_fail),
        Failure::Duplicate => DuplicateItemException { message: Some("Duplicate primary key exists in table".into()) }.into(),
        Failure::Error(e) => e,
    }
}

fn select(table: &Table, index: Option<&String>, projection: Option<&Vec<Path>>, cond: Option<&Cond>) -> Result<Vec<Item>, ServiceError> {
    let index = match index {
        Some(n) => Some(table.index(n).ok_or_else(|| validation(format!("The table does not have the specified index: {n}")))?),
        None => None,
    };
    let matches = |item: &Item| cond.is_none_or(|c| eval::matches(item, c));
    let out = |item: &Item| match projection {
        Some(p) => crate::expr::projection::project(item, p),
        None => item.clone(),
    };
    Ok(match index {
        None => table.items.iter().map(|(_, _, i)| i).filter(|i| matches(i)).map(out).collect(),
        Some(idx) => idx
            .entries
            .primary_keys()
            .filter_map(|k| table.items.get(k))
            .map(|i| idx.project(i, &table.schema))
            .filter(|i| matches(i))
            .map(|i| out(&i))
            .collect(),
    })
}

pub fn execute_statement(region: &Region, input: ExecuteStatementInput) -> Result<ExecuteStatementOutput, ServiceError> {
    let stmt = parse(&input.statement, input.parameters.as_ref())?;
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    let table = tables.get_mut(stmt.table()).ok_or_else(resource_not_found)?;
    if let Statement::Select { index, projection, cond, .. } = &stmt {
        let all = select(table, index.as_ref(), projection.as_ref(), cond.as_ref())?;
        let offset: usize = match &input.next_token {
            Some(t) => crate::base64_decode(t)
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.strip_prefix("offset:").and_then(|n| n.parse().ok()))
                .ok_or_else(|| validation("Invalid NextToken"))?,
            None => 0,
        };
        let limit = input.limit.map(|l| l.max(1) as usize).unwrap_or(usize::MAX);
        let page: Vec<Item> = all.iter().skip(offset).take(limit).cloned().collect();
        let next = (offset + page.len() < all.len()).then(|| crate::base64(format!("offset:{}", offset + page.len()).as_bytes()));
        return Ok(ExecuteStatementOutput { items: Some(page), next_token: next, ..Default::default() });
    }
    let (key, new) = plan_write(table, &stmt).map_err(|f| failure_error(f, input.return_values_on_condition_check_failure.as_ref()))?;
    table.write(key, new, None);
    Ok(ExecuteStatementOutput { items: Some(Vec::new()), ..Default::default() })
}

pub fn batch_execute(region: &Region, input: BatchExecuteStatementInput) -> Result<BatchExecuteStatementOutput, ServiceError> {
    if input.statements.len() > 25 {
        return Err(validation("Too many items requested for the BatchExecuteStatement call"));
    }
    let mut responses = Vec::new();
    for req in &input.statements {
        let error = |code: BatchStatementErrorCodeEnum, e: &ServiceError, item: Option<Item>| BatchStatementResponse {
            error: Some(BatchStatementError { code: Some(code), message: e.message.clone(), item }),
            ..Default::default()
        };
        let stmt = match parse(&req.statement, req.parameters.as_ref()) {
            Ok(s) => s,
            Err(e) => {
                responses.push(error(BatchStatementErrorCodeEnum::ValidationError, &e, None));
                continue;
            }
        };
        let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        let Some(table) = tables.get_mut(stmt.table()) else {
            responses.push(error(BatchStatementErrorCodeEnum::ResourceNotFound, &resource_not_found(), None));
            continue;
        };
        let name = Some(stmt.table().to_string());
        if let Statement::Select { cond, projection, .. } = &stmt {
            // Batches read single items: the WHERE names the whole key.
            let found = cond.as_ref().ok_or_else(|| validation("Where clause does not contain a mandatory equality on all key attributes"))
                .and_then(|c| key_from_where(table, c).map(|(k, _)| table.items.get(&k).filter(|i| eval::matches(i, c)).cloned()));
            match found {
                Ok(item) => responses.push(BatchStatementResponse {
                    table_name: name,
                    item: item.map(|i| projection.as_ref().map_or(i.clone(), |p| crate::expr::projection::project(&i, p))),
                    ..Default::default()
                }),
                Err(e) => responses.push(error(BatchStatementErrorCodeEnum::ValidationError, &e, None)),
            }
            continue;
        }
        match plan_write(table, &stmt) {
            Ok((key, new)) => {
                table.write(key, new, None);
                responses.push(BatchStatementResponse { table_name: name, ..Default::default() });
            }
            Err(Failure::Condition(old)) => {
                let e = validation("The conditional request failed");
                let item = if req.return_values_on_condition_check_failure == Some(ReturnValuesOnConditionCheckFailure::AllOld) { old } else { None };
                let mut r = error(BatchStatementErrorCodeEnum::ConditionalCheckFailed, &e, item);
                r.table_name = name;
                responses.push(r);
            }
            Err(Failure::Duplicate) => {
                let e = validation("Duplicate primary key exists in table");
                let mut r = error(BatchStatementErrorCodeEnum::DuplicateItem, &e, None);
                r.table_name = name;
                responses.push(r);
            }
            Err(Failure::Error(e)) => responses.push(error(BatchStatementErrorCodeEnum::ValidationError, &e, None)),
        }
    }
    Ok(BatchExecuteStatementOutput { responses: Some(responses), consumed_capacity: None })
}

pub fn execute_transaction(region: &Region, input: ExecuteTransactionInput) -> Result<ExecuteTransactionOutput, ServiceError> {
    let stmts = input
        .transact_statements
        .iter()
        .map(|s| parse(&s.statement, s.parameters.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let reads = stmts.iter().filter(|s| matches!(s, Statement::Select { .. })).count();
    if reads != 0 && reads != stmts.len() {
        return Err(validation("Transaction statements must all be reads or all be writes"));
    }
    let mut tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
    if reads > 0 {
        let mut responses = Vec::new();
        for s in &stmts {
            let Statement::Select { table, cond, projection, .. } = s else { continue };
            let t = tables.get(table).ok_or_else(resource_not_found)?;
            let c = cond.as_ref().ok_or_else(|| validation("Where clause does not contain a mandatory equality on all key attributes"))?;
            let (k, _) = key_from_where(t, c)?;
            let item = t.items.get(&k).filter(|i| eval::matches(i, c));
            responses.push(ItemResponse { item: item.map(|i| projection.as_ref().map_or(i.clone(), |p| crate::expr::projection::project(i, p))) });
        }
        return Ok(ExecuteTransactionOutput { responses: Some(responses), consumed_capacity: None });
    }
    let mut plans = Vec::new();
    let mut reasons = Vec::new();
    let mut failed = false;
    for (s, req) in stmts.iter().zip(&input.transact_statements) {
        let t = tables.get(s.table()).ok_or_else(resource_not_found)?;
        match plan_write(t, s) {
            Ok((key, new)) => {
                if plans.iter().any(|(n, k, _): &(String, PrimaryKey, Option<Item>)| n == s.table() && *k == key) {
                    return Err(validation("Transaction request cannot include multiple operations on one item"));
                }
                plans.push((s.table().to_string(), key, new));
                reasons.push(CancellationReason { code: Some("None".into()), ..Default::default() });
            }
            Err(Failure::Error(e)) => return Err(e),
            Err(f) => {
                failed = true;
                let (code, message, item) = match f {
                    Failure::Condition(old) => (
                        "ConditionalCheckFailed",
                        "The conditional request failed",
                        if req.return_values_on_condition_check_failure == Some(ReturnValuesOnConditionCheckFailure::AllOld) { old } else { None },
                    ),
                    _ => ("DuplicateItem", "Duplicate primary key exists in table", None),
                };
                reasons.push(CancellationReason { code: Some(code.into()), message: Some(message.into()), item });
            }
        }
    }
    if failed {
        let codes: Vec<String> = reasons.iter().map(|r| r.code.clone().unwrap_or_default()).collect();
        return Err(TransactionCanceledException {
            message: Some(format!("Transaction cancelled, please refer cancellation reasons for specific reasons [{}]", codes.join(", "))),
            cancellation_reasons: Some(reasons),
        }
        .into());
    }
    for (name, key, new) in plans {
        if let Some(t) = tables.get_mut(&name) {
            t.write(key, new, None);
        }
    }
    Ok(ExecuteTransactionOutput { responses: None, consumed_capacity: None })
}
