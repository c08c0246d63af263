//! Recursive-descent parser for every expression kind. Syntax errors stop
//! parsing at once; semantic errors (reserved words, undefined placeholders,
//! literal operand types) are remembered and reported only when the whole
//! expression parsed, since AWS reports syntax first.

use super::lexer::{tokenize, Tok, Token};
use super::reserved::is_reserved;
use super::{Kind, Symbols};
use crate::attr::{compare, describe, type_name};
use crate::validation;
use simfra_gen_dynamodb::types::AttributeValue;
use simfra_model::ServiceError;
use std::cmp::Ordering;

/// One step of a document path.
#[derive(Debug, Clone, PartialEq)]
pub enum Elem {
    Key(String),
    Index(usize),
}

pub type Path = Vec<Elem>;

/// A path as AWS prints it in messages: `[a, b, [0]]`.
pub fn show_path(p: &Path) -> String {
    let parts: Vec<String> = p
        .iter()
        .map(|e| match e {
            Elem::Key(k) => k.clone(),
            Elem::Index(i) => format!("[{i}]"),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Path(Path),
    Value(AttributeValue),
    Size(Path),
    IfNotExists(Path, Box<Operand>),
    ListAppend(Box<Operand>, Box<Operand>),
    Plus(Box<Operand>, Box<Operand>),
    Minus(Box<Operand>, Box<Operand>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Compare(Operand, CmpOp, Operand),
    Between(Operand, Operand, Operand),
    In(Operand, Vec<Operand>),
    Exists(Path),
    NotExists(Path),
    AttributeType(Path, String),
    BeginsWith(Operand, Operand),
    Contains(Operand, Operand),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

#[derive(Debug, Clone, Default)]
pub struct Update {
    pub set: Vec<(Path, Operand)>,
    pub remove: Vec<Path>,
    pub add: Vec<(Path, AttributeValue)>,
    pub delete: Vec<(Path, AttributeValue)>,
    /// Every written path in the order the expression names them (AWS
    /// reports overlapping paths in that order).
    pub written: Vec<Path>,
}

impl Update {
    /// Every path the update writes, in the order written.
    pub fn paths(&self) -> Vec<&Path> {
        if !self.written.is_empty() {
            return self.written.iter().collect();
        }
        let mut out: Vec<&Path> = self.set.iter().map(|(p, _)| p).collect();
        out.extend(self.remove.iter());
        out.extend(self.add.iter().map(|(p, _)| p));
        out.extend(self.delete.iter().map(|(p, _)| p));
        out
    }
}

const CONDITION_FUNCTIONS: &[&str] = &["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"];
const VALID_TYPES: &[&str] = &["B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M"];
const MAX_LIST_INDEX: usize = 1 << 24;
const MAX_EXPRESSION_BYTES: usize = 4096;

pub struct Parser<'s, 'a, 'b> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    kind: Kind,
    symbols: &'b mut Symbols<'a>,
    deferred: Option<String>,
}

type Res<T> = Result<T, ServiceError>;

impl<'s, 'a, 'b> Parser<'s, 'a, 'b> {
    pub fn new(src: &'s str, kind: Kind, symbols: &'b mut Symbols<'a>) -> Res<Self> {
        if src.trim().is_empty() {
            return Err(validation(format!("Invalid {}: The expression can not be empty;", kind.param())));
        }
        if src.len() > MAX_EXPRESSION_BYTES {
            return Err(validation(format!(
                "Invalid {}: Expression size has exceeded the maximum allowed size; expression size: {}",
                kind.param(),
                src.len()
            )));
        }
        Ok(Parser { src, toks: tokenize(src), pos: 0, kind, symbols, deferred: None })
    }

    fn err(&self, msg: impl std::fmt::Display) -> ServiceError {
        validation(format!("Invalid {}: {msg}", self.kind.param()))
    }

    fn defer(&mut self, msg: String) {
        if self.deferred.is_none() {
            self.deferred = Some(msg);
        }
    }

    fn finish<T>(&mut self, value: T) -> Res<T> {
        if !matches!(self.peek(), Tok::Eof) {
            return Err(self.syntax_error());
        }
        match self.deferred.take() {
            Some(m) => Err(self.err(m)),
            None => Ok(value),
        }
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn is_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Ident(w) if w.eq_ignore_ascii_case(word))
    }

    /// `Syntax error; token: "X", near: "…"`: the offending token with its
    /// neighbours as they appear in the source.
    fn syntax_error(&self) -> ServiceError {
        let cur = &self.toks[self.pos];
        let from = if self.pos > 0 { self.toks[self.pos - 1].start } else { cur.start };
        let to = match cur.tok {
            Tok::Eof => self.src.len(),
            _ => self.toks.get(self.pos + 1).filter(|t| t.tok != Tok::Eof).map(|t| t.end).unwrap_or(cur.end),
        };
        self.err(format!("Syntax error; token: \"{}\", near: \"{}\"", cur.text(self.src), &self.src[from..to]))
    }

    fn expect(&mut self, tok: Tok) -> Res<()> {
        if *self.peek() == tok {
            self.bump();
            Ok(())
        } else {
            Err(self.syntax_error())
        }
    }

    // ------------------------------------------------------------ paths

    fn path_start(&self) -> bool {
        match self.peek() {
            Tok::Name(_) => true,
            Tok::Ident(w) => !w.starts_with(|c: char| c.is_ascii_digit()),
            _ => false,
        }
    }

    fn path_name(&mut self) -> Res<String> {
        match self.peek().clone() {
            Tok::Name(alias) => {
                self.bump();
                match self.symbols.name(&alias) {
                    Some(n) => Ok(n),
                    None => {
                        self.defer(format!(
                            "An expression attribute name used in the document path is not defined; attribute name: {alias}"
                        ));
                        Ok(alias)
                    }
                }
            }
            Tok::Ident(word) if !word.starts_with(|c: char| c.is_ascii_digit()) => {
                self.bump();
                if is_reserved(&word) {
                    self.defer(format!("Attribute name is a reserved keyword; reserved keyword: {word}"));
                }
                Ok(word)
            }
            _ => Err(self.syntax_error()),
        }
    }

    fn path(&mut self) -> Res<Path> {
        let mut path = vec![Elem::Key(self.path_name()?)];
        loop {
            match self.peek() {
                Tok::Dot => {
                    self.bump();
                    path.push(Elem::Key(self.path_name()?));
                }
                Tok::LBracket => {
                    self.bump();
                    let Tok::Number(n) = self.peek().clone() else { return Err(self.syntax_error()) };
                    self.bump();
                    let index = n.parse::<usize>().unwrap_or(usize::MAX);
                    if index >= MAX_LIST_INDEX {
                        self.defer(format!("List index is too large; index: {n}"));
                    }
                    path.push(Elem::Index(index.min(MAX_LIST_INDEX)));
                    self.expect(Tok::RBracket)?;
                }
                _ => return Ok(path),
            }
        }
    }

    // ------------------------------------------------------------ operands

    fn value(&mut self) -> Res<AttributeValue> {
        let Tok::Value(placeholder) = self.peek().clone() else { return Err(self.syntax_error()) };
        self.bump();
        match self.symbols.value(&placeholder) {
            Some(v) => Ok(v),
            None => {
                self.defer(format!(
                    "An expression attribute value used in expression is not defined; attribute value: {placeholder}"
                ));
                Ok(AttributeValue::Null(true))
            }
        }
    }

    /// Arguments of `name(…)`, the name already consumed.
    fn arguments(&mut self, update: bool) -> Res<Vec<Operand>> {
        self.expect(Tok::LParen)?;
        let mut args = vec![self.operand(update)?];
        while *self.peek() == Tok::Comma {
            self.bump();
            args.push(self.operand(update)?);
        }
        self.expect(Tok::RParen)?;
        Ok(args)
    }

    fn arity(&mut self, function: &str, args: &[Operand], n: usize) -> bool {
        if args.len() != n {
            self.defer(format!(
                "Incorrect number of operands for operator or function; operator or function: {function}, number of operands: {}",
                args.len()
            ));
            return false;
        }
        true
    }

    fn require_path(&mut self, function: &str, op: Operand) -> Path {
        match op {
            Operand::Path(p) => p,
            _ => {
                self.defer(format!("Operator or function requires a document path; operator or function: {function}"));
                Vec::new()
            }
        }
    }

    /// An operand: a path, a `:value`, or a function returning a value
    /// (`size` anywhere; `if_not_exists` and `list_append` in SET).
    fn operand(&mut self, update: bool) -> Res<Operand> {
        match self.peek().clone() {
            Tok::Value(_) => Ok(Operand::Value(self.value()?)),
            Tok::Ident(name) if *self.peek_at(1) == Tok::LParen => {
                self.bump();
                let args = self.arguments(update)?;
                match name.as_str() {
                    "size" if !update => {
                        if !self.arity("size", &args, 1) {
                            return Ok(Operand::Size(Vec::new()));
                        }
                        let arg = args.into_iter().next().unwrap_or(Operand::Path(Vec::new()));
                        if let Operand::Value(v) = &arg {
                            if !matches!(v, AttributeValue::S(_) | AttributeValue::B(_) | AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) | AttributeValue::M(_) | AttributeValue::L(_)) {
                                self.defer(format!(
                                    "Incorrect operand type for operator or function; operator or function: size, operand type: {}",
                                    type_name(v)
                                ));
                            }
                        }
                        Ok(Operand::Size(self.require_path("size", arg)))
                    }
                    "if_not_exists" if update => {
                        if !self.arity("if_not_exists", &args, 2) {
                            return Ok(Operand::Value(AttributeValue::Null(true)));
                        }
                        let mut it = args.into_iter();
                        let (first, second) = (it.next().unwrap_or(Operand::Path(Vec::new())), it.next().unwrap_or(Operand::Path(Vec::new())));
                        let path = self.require_path("if_not_exists", first);
                        Ok(Operand::IfNotExists(path, Box::new(second)))
                    }
                    "list_append" if update => {
                        if !self.arity("list_append", &args, 2) {
                            return Ok(Operand::Value(AttributeValue::Null(true)));
                        }
                        for a in &args {
                            if let Operand::Value(v) = a {
                                if !matches!(v, AttributeValue::L(_)) {
                                    self.defer(format!(
                                        "Incorrect operand type for operator or function; operator or function: list_append, operand type: {}",
                                        type_name(v)
                                    ));
                                }
                            }
                        }
                        let mut it = args.into_iter();
                        let (a, b) = (it.next().unwrap_or(Operand::Path(Vec::new())), it.next().unwrap_or(Operand::Path(Vec::new())));
                        Ok(Operand::ListAppend(Box::new(a), Box::new(b)))
                    }
                    n if CONDITION_FUNCTIONS.contains(&n) || ["size", "if_not_exists", "list_append"].contains(&n) => {
                        self.defer(format!("The function is not allowed to be used this way in an expression; function: {n}"));
                        Ok(Operand::Value(AttributeValue::Null(true)))
                    }
                    other => {
                        self.defer(format!("Invalid function name; function: {other}"));
                        Ok(Operand::Value(AttributeValue::Null(true)))
                    }
                }
            }
            _ if self.path_start() => Ok(Operand::Path(self.path()?)),
            _ => Err(self.syntax_error()),
        }
    }

    // ------------------------------------------------------------ conditions

    pub fn condition(mut self) -> Res<Cond> {
        let (c, _) = self.or()?;
        self.finish(c)
    }

    /// Each level returns whether its result is exactly one parenthesised
    /// condition, to reject `((…))` as AWS does.
    fn or(&mut self) -> Res<(Cond, bool)> {
        let (mut left, mut paren) = self.and()?;
        while self.is_keyword("OR") {
            self.bump();
            let (right, _) = self.and()?;
            left = Cond::Or(Box::new(left), Box::new(right));
            paren = false;
        }
        Ok((left, paren))
    }

    fn and(&mut self) -> Res<(Cond, bool)> {
        let (mut left, mut paren) = self.not()?;
        while self.is_keyword("AND") {
            self.bump();
            let (right, _) = self.not()?;
            left = Cond::And(Box::new(left), Box::new(right));
            paren = false;
        }
        Ok((left, paren))
    }

    fn not(&mut self) -> Res<(Cond, bool)> {
        if self.is_keyword("NOT") {
            self.bump();
            let (inner, _) = self.not()?;
            return Ok((Cond::Not(Box::new(inner)), false));
        }
        self.primary()
    }

    fn primary(&mut self) -> Res<(Cond, bool)> {
        if *self.peek() == Tok::LParen {
            self.bump();
            let (inner, inner_paren) = self.or()?;
            self.expect(Tok::RParen)?;
            if inner_paren {
                self.defer("The expression has redundant parentheses;".into());
            }
            return Ok((inner, true));
        }
        if let Tok::Ident(name) = self.peek().clone() {
            if *self.peek_at(1) == Tok::LParen && name != "size" {
                self.bump();
                return Ok((self.condition_function(&name)?, false));
            }
        }
        let left = self.operand(false)?;
        let cond = if self.is_keyword("BETWEEN") {
            self.bump();
            let low = self.operand(false)?;
            if !self.is_keyword("AND") {
                return Err(self.syntax_error());
            }
            self.bump();
            let high = self.operand(false)?;
            if let (Operand::Value(l), Operand::Value(h)) = (&low, &high) {
                if compare(l, h) == Some(Ordering::Greater) {
                    self.defer(format!(
                        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {}, upper bound operand: AttributeValue: {}",
                        describe(l),
                        describe(h)
                    ));
                } else if type_name(l) != type_name(h) {
                    self.defer(format!(
                        "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {}, upper bound operand: AttributeValue: {}",
                        describe(l),
                        describe(h)
                    ));
                }
            }
            Cond::Between(left, low, high)
        } else if self.is_keyword("IN") {
            self.bump();
            self.expect(Tok::LParen)?;
            let mut list = vec![self.operand(false)?];
            while *self.peek() == Tok::Comma {
                self.bump();
                list.push(self.operand(false)?);
            }
            self.expect(Tok::RParen)?;
            if list.len() > 100 {
                self.defer(format!(
                    "The IN operator is provided with too many operands; number of operands: {}",
                    list.len()
                ));
            }
            Cond::In(left, list)
        } else {
            let op = match self.peek() {
                Tok::Eq => CmpOp::Eq,
                Tok::Ne => CmpOp::Ne,
                Tok::Lt => CmpOp::Lt,
                Tok::Le => CmpOp::Le,
                Tok::Gt => CmpOp::Gt,
                Tok::Ge => CmpOp::Ge,
                _ => return Err(self.syntax_error()),
            };
            self.bump();
            let right = self.operand(false)?;
            if op != CmpOp::Eq && op != CmpOp::Ne {
                for side in [&left, &right] {
                    if let Operand::Value(v) = side {
                        if !matches!(v, AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_)) {
                            self.defer(format!(
                                "Incorrect operand type for operator or function; operator: {}, operand type: {}",
                                op.symbol(),
                                type_name(v)
                            ));
                        }
                    }
                }
            }
            Cond::Compare(left, op, right)
        };
        Ok((cond, false))
    }

    fn condition_function(&mut self, name: &str) -> Res<Cond> {
        let args = self.arguments(false)?;
        let placeholder = Cond::Exists(Vec::new());
        match name {
            "attribute_exists" | "attribute_not_exists" => {
                if !self.arity(name, &args, 1) {
                    return Ok(placeholder);
                }
                let path = self.require_path(name, args.into_iter().next().unwrap_or(Operand::Path(Vec::new())));
                Ok(if name == "attribute_exists" { Cond::Exists(path) } else { Cond::NotExists(path) })
            }
            "attribute_type" => {
                if !self.arity(name, &args, 2) {
                    return Ok(placeholder);
                }
                let mut it = args.into_iter();
                let path = self.require_path(name, it.next().unwrap_or(Operand::Path(Vec::new())));
                let ty = match it.next() {
                    Some(Operand::Value(AttributeValue::S(t))) => {
                        if !VALID_TYPES.contains(&t.as_str()) {
                            self.defer(format!(
                                "Invalid attribute type name found; type: {t}, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}"
                            ));
                        }
                        t
                    }
                    Some(Operand::Value(v)) => {
                        self.defer(format!(
                            "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {}",
                            type_name(&v)
                        ));
                        String::new()
                    }
                    _ => {
                        self.defer("Incorrect operand type for operator or function; operator or function: attribute_type, operand type: PATH".into());
                        String::new()
                    }
                };
                Ok(Cond::AttributeType(path, ty))
            }
            "begins_with" | "contains" => {
                if !self.arity(name, &args, 2) {
                    return Ok(placeholder);
                }
                if name == "begins_with" {
                    for a in &args {
                        if let Operand::Value(v) = a {
                            if !matches!(v, AttributeValue::S(_) | AttributeValue::B(_)) {
                                self.defer(format!(
                                    "Incorrect operand type for operator or function; operator or function: begins_with, operand type: {}",
                                    type_name(v)
                                ));
                            }
                        }
                    }
                }
                let mut it = args.into_iter();
                let (a, b) = (it.next().unwrap_or(Operand::Path(Vec::new())), it.next().unwrap_or(Operand::Path(Vec::new())));
                Ok(if name == "begins_with" { Cond::BeginsWith(a, b) } else { Cond::Contains(a, b) })
            }
            "if_not_exists" | "list_append" => {
                self.defer(format!("The function is not allowed to be used this way in an expression; function: {name}"));
                Ok(placeholder)
            }
            other => {
                self.defer(format!("Invalid function name; function: {other}"));
                Ok(placeholder)
            }
        }
    }

    // ------------------------------------------------------------ updates

    pub fn update(mut self) -> Res<Update> {
        let mut update = Update::default();
        let mut seen: Vec<String> = Vec::new();
        loop {
            let Tok::Ident(word) = self.peek().clone() else { return Err(self.syntax_error()) };
            let clause = word.to_ascii_uppercase();
            if !["SET", "REMOVE", "ADD", "DELETE"].contains(&clause.as_str()) {
                return Err(self.syntax_error());
            }
            self.bump();
            if seen.contains(&clause) {
                self.defer(format!("The \"{clause}\" section can only be used once in an update expression;"));
            }
            seen.push(clause.clone());
            loop {
                match clause.as_str() {
                    "SET" => {
                        let path = self.path()?;
                        self.expect(Tok::Eq)?;
                        let value = self.set_value()?;
                        update.written.push(path.clone());
                        update.set.push((path, value));
                    }
                    "REMOVE" => {
                        let path = self.path()?;
                        update.written.push(path.clone());
                        update.remove.push(path);
                    }
                    _ => {
                        let path = self.path()?;
                        update.written.push(path.clone());
                        let value = self.value()?;
                        let allowed = if clause == "ADD" {
                            matches!(value, AttributeValue::N(_) | AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_))
                        } else {
                            matches!(value, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_))
                        };
                        if !allowed && self.deferred.is_none() {
                            self.defer(format!(
                                "Incorrect operand type for operator or function; operator: {clause}, operand type: {}",
                                long_type_name(&value)
                            ));
                        }
                        if clause == "ADD" { update.add.push((path, value)) } else { update.delete.push((path, value)) }
                    }
                }
                if *self.peek() == Tok::Comma {
                    self.bump();
                } else {
                    break;
                }
            }
            if matches!(self.peek(), Tok::Eof) {
                break;
            }
        }
        let paths = update.paths();
        if let Some(m) = overlap(&paths) {
            self.defer(m);
        }
        self.finish(update)
    }

    fn set_value(&mut self) -> Res<Operand> {
        let left = self.operand(true)?;
        let op = match self.peek() {
            Tok::Plus => "+",
            Tok::Minus => "-",
            _ => return Ok(left),
        };
        self.bump();
        let right = self.operand(true)?;
        for side in [&left, &right] {
            if let Operand::Value(v) = side {
                if !matches!(v, AttributeValue::N(_)) {
                    self.defer(format!(
                        "Incorrect operand type for operator or function; operator or function: {op}, operand type: {}",
                        type_name(v)
                    ));
                }
            }
        }
        Ok(if op == "+" { Operand::Plus(Box::new(left), Box::new(right)) } else { Operand::Minus(Box::new(left), Box::new(right)) })
    }

    // ------------------------------------------------------------ projections

    pub fn projection(mut self) -> Res<Vec<Path>> {
        let mut paths = vec![self.path()?];
        while *self.peek() == Tok::Comma {
            self.bump();
            paths.push(self.path()?);
        }
        let refs: Vec<&Path> = paths.iter().collect();
        if let Some(m) = overlap(&refs) {
            self.defer(m);
        }
        self.finish(paths)
    }
}

fn long_type_name(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "STRING",
        AttributeValue::N(_) => "NUMBER",
        AttributeValue::B(_) => "BINARY",
        AttributeValue::Ss(_) => "STRING_SET",
        AttributeValue::Ns(_) => "NUMBER_SET",
        AttributeValue::Bs(_) => "BINARY_SET",
        AttributeValue::M(_) => "MAP",
        AttributeValue::L(_) => "LIST",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::Bool(_) => "BOOLEAN",
        AttributeValue::Unknown => "UNKNOWN",
    }
}

/// Two paths where one contains the other overlap; two that reach the same
/// element once by key and once by index conflict. AWS rejects both, and
/// reports any overlap before any conflict, naming the earlier path first.
pub fn overlap(paths: &[&Path]) -> Option<String> {
    #[derive(PartialEq)]
    enum Relation {
        Apart,
        Overlap,
        Conflict,
    }
    let relation = |a: &Path, b: &Path| {
        for (x, y) in a.iter().zip(b.iter()) {
            match (x, y) {
                (Elem::Key(p), Elem::Key(q)) if p == q => {}
                (Elem::Index(p), Elem::Index(q)) if p == q => {}
                (Elem::Key(_), Elem::Key(_)) | (Elem::Index(_), Elem::Index(_)) => return Relation::Apart,
                _ => return Relation::Conflict,
            }
        }
        Relation::Overlap
    };
    for (wanted, word) in [(Relation::Overlap, "overlap"), (Relation::Conflict, "conflict")] {
        for (i, a) in paths.iter().enumerate() {
            for b in &paths[..i] {
                if relation(b, a) == wanted {
                    return Some(format!(
                        "Two document paths {word} with each other; must remove or rewrite one of these paths; path one: {}, path two: {}",
                        show_path(b),
                        show_path(a)
                    ));
                }
            }
        }
    }
    None
}
