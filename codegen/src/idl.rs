//! Smithy IDL 2.0 → JSON AST, enough of the language to load the official
//! protocol-test models (https://smithy.io/2.0/spec/idl.html): control and
//! metadata statements, `namespace`/`use`, every shape type, inline
//! operation input/output (`input := { … }`), traits with node values, text
//! blocks, default values, mixins, target elision and `apply`.
//!
//! Parsing produces shapes with *relative* references; `load_dir` resolves
//! them once every file is known (a name may be defined in another file of
//! the same namespace), then applies `apply` statements and flattens mixins.

use serde_json::{json, Map, Number, Value as Json};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Shapes of the prelude that relative names fall back to.
const PRELUDE: &[&str] = &[
    "String", "Blob", "Boolean", "Byte", "Short", "Integer", "Long", "Float", "Double", "BigInteger", "BigDecimal",
    "Timestamp", "Document", "PrimitiveBoolean", "PrimitiveByte", "PrimitiveShort", "PrimitiveInteger", "PrimitiveLong",
    "PrimitiveFloat", "PrimitiveDouble", "Unit",
];

/// Marks a reference still to be resolved: `\u{1}<file index>\u{1}<name>`.
const REL: char = '\u{1}';

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Identifiers and shape ids (`foo`, `smithy.api#String`, `Foo$bar`).
    Ident(String),
    Str(String),
    Num(Json),
    Punct(char),
    /// `:=`
    Walrus,
    /// `///` documentation comment text.
    Doc(String),
    Eof,
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: usize,
    col: usize,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer { src: src.as_bytes(), pos: 0, line: 1, col: 1 }
    }

    fn peek_byte(&self, off: usize) -> Option<u8> {
        self.src.get(self.pos + off).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.src.get(self.pos).copied()?;
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(b)
    }

    fn err(&self, msg: &str) -> String {
        format!("{}:{}: {msg}", self.line, self.col)
    }

    fn tokens(mut self) -> Result<Vec<(Tok, usize, usize)>, String> {
        let mut out = Vec::new();
        loop {
            // Whitespace and commas are insignificant.
            while let Some(b) = self.peek_byte(0) {
                if b.is_ascii_whitespace() || b == b',' {
                    self.bump();
                } else {
                    break;
                }
            }
            let (line, col) = (self.line, self.col);
            let Some(b) = self.peek_byte(0) else {
                out.push((Tok::Eof, line, col));
                return Ok(out);
            };
            let tok = match b {
                b'/' if self.peek_byte(1) == Some(b'/') => {
                    let doc = self.peek_byte(2) == Some(b'/');
                    let start = self.pos + if doc { 3 } else { 2 };
                    while let Some(c) = self.peek_byte(0) {
                        if c == b'\n' {
                            break;
                        }
                        self.bump();
                    }
                    if doc {
                        let text = String::from_utf8_lossy(&self.src[start..self.pos]);
                        Tok::Doc(text.strip_prefix(' ').unwrap_or(&text).to_string())
                    } else {
                        continue;
                    }
                }
                b'"' => {
                    if self.peek_byte(1) == Some(b'"') && self.peek_byte(2) == Some(b'"') {
                        self.text_block()?
                    } else {
                        self.string()?
                    }
                }
                b':' if self.peek_byte(1) == Some(b'=') => {
                    self.bump();
                    self.bump();
                    Tok::Walrus
                }
                b'{' | b'}' | b'[' | b']' | b'(' | b')' | b':' | b'=' | b'@' => {
                    self.bump();
                    Tok::Punct(b as char)
                }
                b'-' | b'0'..=b'9' => self.number()?,
                b'$' if self.peek_byte(1).map(|c| c.is_ascii_alphabetic() || c == b'_').unwrap_or(false) => {
                    self.bump();
                    match self.ident() {
                        Tok::Ident(s) => Tok::Ident(format!("${s}")),
                        t => t,
                    }
                }
                c if c.is_ascii_alphabetic() || c == b'_' => self.ident(),
                _ => return Err(self.err(&format!("unexpected character '{}'", b as char))),
            };
            out.push((tok, line, col));
        }
    }

    fn ident(&mut self) -> Tok {
        let start = self.pos;
        while let Some(c) = self.peek_byte(0) {
            if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'#' | b'$') {
                self.bump();
            } else {
                break;
            }
        }
        Tok::Ident(String::from_utf8_lossy(&self.src[start..self.pos]).into_owned())
    }

    fn number(&mut self) -> Result<Tok, String> {
        let start = self.pos;
        while let Some(c) = self.peek_byte(0) {
            if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E') {
                self.bump();
            } else {
                break;
            }
        }
        let text = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or("");
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Tok::Num(json!(i)));
        }
        let f: f64 = text.parse().map_err(|_| self.err(&format!("bad number '{text}'")))?;
        Ok(Tok::Num(Json::Number(Number::from_f64(f).ok_or_else(|| self.err("number out of range"))?)))
    }

    fn string(&mut self) -> Result<Tok, String> {
        self.bump();
        let start = self.pos;
        loop {
            match self.bump() {
                None => return Err(self.err("unterminated string")),
                Some(b'\\') => {
                    self.bump();
                }
                Some(b'"') => break,
                Some(_) => {}
            }
        }
        let raw = String::from_utf8_lossy(&self.src[start..self.pos - 1]).into_owned();
        Ok(Tok::Str(unescape(&raw).map_err(|e| self.err(&e))?))
    }

    fn text_block(&mut self) -> Result<Tok, String> {
        for _ in 0..3 {
            self.bump();
        }
        // The opening delimiter must end its line.
        while let Some(c) = self.peek_byte(0) {
            if c == b' ' || c == b'\t' || c == b'\r' {
                self.bump();
            } else {
                break;
            }
        }
        if self.bump() != Some(b'\n') {
            return Err(self.err("a text block must start on a new line"));
        }
        let start = self.pos;
        loop {
            match self.peek_byte(0) {
                None => return Err(self.err("unterminated text block")),
                Some(b'\\') => {
                    self.bump();
                    self.bump();
                }
                Some(b'"') if self.peek_byte(1) == Some(b'"') && self.peek_byte(2) == Some(b'"') => break,
                Some(_) => {
                    self.bump();
                }
            }
        }
        let raw = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
        for _ in 0..3 {
            self.bump();
        }
        Ok(Tok::Str(unescape(&strip_incidental_whitespace(&raw)).map_err(|e| self.err(&e))?))
    }
}

/// The text-block rule: the smallest indentation of the non-blank lines and
/// of the closing-delimiter line is removed from every line, as is trailing
/// whitespace.
fn strip_incidental_whitespace(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let lines: Vec<&str> = raw.split('\n').collect();
    let last = lines.len() - 1;
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let min = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| *i == last || !l.trim().is_empty())
        .map(|(_, l)| indent(l))
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                ""
            } else {
                l.get(min..).unwrap_or("").trim_end_matches([' ', '\t'])
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            // A line continuation.
            Some('\n') => {}
            Some('u') => {
                let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                let code = u32::from_str_radix(&hex, 16).map_err(|_| format!("bad \\u escape {hex}"))?;
                if (0xD800..0xDC00).contains(&code) {
                    // A surrogate pair.
                    if chars.next() == Some('\\') && chars.next() == Some('u') {
                        let hex2: String = (0..4).filter_map(|_| chars.next()).collect();
                        let low = u32::from_str_radix(&hex2, 16).map_err(|_| format!("bad \\u escape {hex2}"))?;
                        let cp = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        out.push(char::from_u32(cp).ok_or("bad surrogate pair")?);
                    } else {
                        return Err("unpaired surrogate".into());
                    }
                } else {
                    out.push(char::from_u32(code).ok_or("bad code point")?);
                }
            }
            other => return Err(format!("bad escape \\{}", other.map(String::from).unwrap_or_default())),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- parser

struct Parser {
    toks: Vec<(Tok, usize, usize)>,
    i: usize,
    file: usize,
    file_name: String,
    namespace: String,
    input_suffix: String,
    output_suffix: String,
    shapes: Map<String, Json>,
    /// (target id or relative, traits) of `apply` statements.
    applies: Vec<(String, Map<String, Json>)>,
    /// Absolute ids named by `use` statements.
    uses: Vec<String>,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.i].0
    }
    fn next(&mut self) -> Tok {
        let t = self.toks[self.i].0.clone();
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
        t
    }
    fn err(&self, msg: &str) -> String {
        let (_, l, c) = &self.toks[self.i];
        format!("{}:{l}:{c}: {msg}", self.file_name)
    }
    fn expect(&mut self, c: char) -> Result<(), String> {
        match self.next() {
            Tok::Punct(p) if p == c => Ok(()),
            t => Err(self.err(&format!("expected '{c}', found {t:?}"))),
        }
    }
    fn is(&self, c: char) -> bool {
        matches!(self.peek(), Tok::Punct(p) if *p == c)
    }
    fn ident(&mut self) -> Result<String, String> {
        match self.next() {
            Tok::Ident(s) => Ok(s),
            t => Err(self.err(&format!("expected an identifier, found {t:?}"))),
        }
    }
    fn skip_docs(&mut self) -> Option<String> {
        let mut doc: Option<String> = None;
        while let Tok::Doc(d) = self.peek().clone() {
            self.next();
            match &mut doc {
                Some(x) => {
                    x.push('\n');
                    x.push_str(&d);
                }
                None => doc = Some(d),
            }
        }
        doc
    }

    /// A reference written in this file, resolved later.
    fn rel(&self, name: &str) -> String {
        if name.contains('#') {
            name.to_string()
        } else {
            format!("{REL}{}{REL}{name}", self.file)
        }
    }

    fn abs(&self, name: &str) -> String {
        format!("{}#{name}", self.namespace)
    }

    fn parse_file(&mut self) -> Result<(), String> {
        // Control statements.
        loop {
            self.skip_docs();
            match self.peek().clone() {
                Tok::Ident(s) if s.starts_with('$') => {
                    self.next();
                    self.expect(':')?;
                    let v = self.node()?;
                    match s.as_str() {
                        "$operationInputSuffix" => self.input_suffix = v.as_str().unwrap_or("Input").to_string(),
                        "$operationOutputSuffix" => self.output_suffix = v.as_str().unwrap_or("Output").to_string(),
                        _ => {}
                    }
                }
                _ => break,
            }
        }
        loop {
            let doc = self.skip_docs();
            match self.peek().clone() {
                Tok::Eof => return Ok(()),
                Tok::Ident(k) if k == "metadata" => {
                    self.next();
                    self.ident()?;
                    self.expect('=')?;
                    self.node()?;
                }
                Tok::Ident(k) if k == "namespace" => {
                    self.next();
                    self.namespace = self.ident()?;
                }
                Tok::Ident(k) if k == "use" => {
                    self.next();
                    let id = self.ident()?;
                    self.uses.push(id);
                }
                Tok::Ident(k) if k == "apply" => {
                    self.next();
                    let target = self.ident()?;
                    let mut traits = Map::new();
                    if self.is('{') {
                        self.next();
                        while !self.is('}') {
                            self.skip_docs();
                            self.trait_into(&mut traits)?;
                        }
                        self.next();
                    } else {
                        self.trait_into(&mut traits)?;
                    }
                    let t = self.rel(&target);
                    self.applies.push((t, traits));
                }
                _ => self.shape(doc)?,
            }
        }
    }

    fn traits(&mut self, doc: Option<String>) -> Result<Map<String, Json>, String> {
        let mut traits = Map::new();
        if let Some(d) = doc {
            traits.insert("smithy.api#documentation".into(), json!(d));
        }
        loop {
            if let Some(d) = self.skip_docs() {
                traits.insert("smithy.api#documentation".into(), json!(d));
            }
            if self.is('@') {
                self.trait_into(&mut traits)?;
            } else {
                return Ok(traits);
            }
        }
    }

    fn trait_into(&mut self, traits: &mut Map<String, Json>) -> Result<(), String> {
        self.expect('@')?;
        let name = self.ident()?;
        let value = if self.is('(') {
            self.next();
            if self.is(')') {
                self.next();
                json!({})
            } else {
                // `(key: value …)` without braces, or a single node value.
                let is_struct = matches!(self.peek(), Tok::Ident(_) | Tok::Str(_))
                    && matches!(self.toks.get(self.i + 1).map(|t| &t.0), Some(Tok::Punct(':')));
                let v = if is_struct { self.object_body(')')? } else { self.node()? };
                self.expect(')')?;
                v
            }
        } else {
            json!({})
        };
        traits.insert(self.rel(&name), value);
        Ok(())
    }

    /// Members of an object until `close` (consumed by the caller when ')' ).
    fn object_body(&mut self, close: char) -> Result<Json, String> {
        let mut m = Map::new();
        while !self.is(close) {
            self.skip_docs();
            if self.is(close) {
                break;
            }
            let key = match self.next() {
                Tok::Ident(s) | Tok::Str(s) => s,
                t => return Err(self.err(&format!("expected an object key, found {t:?}"))),
            };
            self.expect(':')?;
            let v = self.node()?;
            m.insert(key, v);
        }
        Ok(Json::Object(m))
    }

    fn node(&mut self) -> Result<Json, String> {
        self.skip_docs();
        match self.next() {
            Tok::Str(s) => Ok(json!(s)),
            Tok::Num(n) => Ok(n),
            Tok::Ident(s) => Ok(match s.as_str() {
                "true" => json!(true),
                "false" => json!(false),
                "null" => Json::Null,
                // An unquoted shape id: resolved with the other references.
                _ => json!(self.rel(&s)),
            }),
            Tok::Punct('[') => {
                let mut items = Vec::new();
                loop {
                    self.skip_docs();
                    if self.is(']') {
                        self.next();
                        return Ok(Json::Array(items));
                    }
                    items.push(self.node()?);
                }
            }
            Tok::Punct('{') => {
                let v = self.object_body('}')?;
                self.expect('}')?;
                Ok(v)
            }
            t => Err(self.err(&format!("expected a value, found {t:?}"))),
        }
    }

    fn mixins(&mut self) -> Result<Vec<Json>, String> {
        let mut out = Vec::new();
        if matches!(self.peek(), Tok::Ident(s) if s == "with") {
            self.next();
            self.expect('[')?;
            while !self.is(']') {
                let m = self.ident()?;
                out.push(json!({ "target": self.rel(&m) }));
            }
            self.next();
        }
        Ok(out)
    }

    fn shape(&mut self, doc: Option<String>) -> Result<(), String> {
        let traits = self.traits(doc)?;
        let kind = self.ident()?;
        let name = self.ident()?;
        let id = self.abs(&name);
        let mut shape = Map::new();
        let type_name = match kind.as_str() {
            "set" => "list",
            k => k,
        };
        shape.insert("type".into(), json!(type_name));
        let mut for_resource = None;
        if matches!(self.peek(), Tok::Ident(s) if s == "for") {
            self.next();
            for_resource = Some(self.ident()?);
        }
        let mixins = self.mixins()?;
        match kind.as_str() {
            "blob" | "boolean" | "string" | "byte" | "short" | "integer" | "long" | "float" | "double" | "bigInteger"
            | "bigDecimal" | "timestamp" | "document" => {}
            "enum" | "intEnum" => {
                self.expect('{')?;
                let mut members = Map::new();
                while !self.is('}') {
                    let mtraits = self.traits(None)?;
                    if self.is('}') {
                        break;
                    }
                    let mname = self.ident()?;
                    let mut mt = mtraits;
                    if self.is('=') {
                        self.next();
                        let v = self.node()?;
                        mt.insert("smithy.api#enumValue".into(), v);
                    } else if kind == "enum" && !mt.contains_key("smithy.api#enumValue") {
                        mt.insert("smithy.api#enumValue".into(), json!(mname));
                    }
                    members.insert(mname, json!({ "target": "smithy.api#Unit", "traits": mt }));
                }
                self.next();
                shape.insert("members".into(), Json::Object(members));
            }
            "list" | "set" | "map" | "structure" | "union" => {
                let members = self.members()?;
                match kind.as_str() {
                    "list" | "set" => {
                        if let Some(m) = members.get("member") {
                            shape.insert("member".into(), m.clone());
                        }
                    }
                    "map" => {
                        for k in ["key", "value"] {
                            if let Some(m) = members.get(k) {
                                shape.insert(k.into(), m.clone());
                            }
                        }
                    }
                    _ => {
                        shape.insert("members".into(), Json::Object(members));
                    }
                }
            }
            "service" | "resource" | "operation" => {
                self.expect('{')?;
                while !self.is('}') {
                    self.skip_docs();
                    if self.is('}') {
                        break;
                    }
                    let key = self.ident()?;
                    if matches!(self.peek(), Tok::Walrus) {
                        // `input := [traits] [with [...]] { members }`
                        self.next();
                        let itraits = self.traits(None)?;
                        let imixins = self.mixins()?;
                        let members = self.members()?;
                        let suffix = if key == "input" { &self.input_suffix } else { &self.output_suffix };
                        let sname = format!("{name}{suffix}");
                        let mut st = itraits;
                        st.insert(format!("smithy.api#{key}"), json!({}));
                        let mut s = Map::new();
                        s.insert("type".into(), json!("structure"));
                        s.insert("members".into(), Json::Object(members));
                        if !imixins.is_empty() {
                            s.insert("mixins".into(), Json::Array(imixins));
                        }
                        s.insert("traits".into(), Json::Object(st));
                        self.shapes.insert(self.abs(&sname), Json::Object(s));
                        shape.insert(key, json!({ "target": self.abs(&sname) }));
                        continue;
                    }
                    self.expect(':')?;
                    let v = self.node()?;
                    let refs = |v: &Json| json!({ "target": v });
                    let value = match key.as_str() {
                        "input" | "output" | "create" | "read" | "update" | "delete" | "list" | "put" => refs(&v),
                        "operations" | "resources" | "errors" | "collectionOperations" => {
                            Json::Array(v.as_array().cloned().unwrap_or_default().iter().map(refs).collect())
                        }
                        "identifiers" | "properties" => Json::Object(
                            v.as_object()
                                .cloned()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|(k, t)| (k, refs(&t)))
                                .collect(),
                        ),
                        _ => v,
                    };
                    shape.insert(key, value);
                }
                self.next();
            }
            other => return Err(self.err(&format!("unknown shape type '{other}'"))),
        }
        if let Some(r) = for_resource {
            shape.insert("$for".into(), json!(self.rel(&r)));
        }
        if !mixins.is_empty() {
            shape.insert("mixins".into(), Json::Array(mixins));
        }
        if !traits.is_empty() {
            shape.insert("traits".into(), Json::Object(traits));
        }
        self.shapes.insert(id, Json::Object(shape));
        Ok(())
    }

    /// `{ [traits] name: Target [= default] | [traits] $name [= default] … }`
    fn members(&mut self) -> Result<Map<String, Json>, String> {
        self.expect('{')?;
        let mut members = Map::new();
        loop {
            let mut mt = self.traits(None)?;
            if self.is('}') {
                self.next();
                return Ok(members);
            }
            let name = self.ident()?;
            let (mname, target) = if let Some(elided) = name.strip_prefix('$') {
                (elided.to_string(), Json::Null)
            } else {
                self.expect(':')?;
                let t = self.ident()?;
                (name, json!(self.rel(&t)))
            };
            if self.is('=') {
                self.next();
                let v = self.node()?;
                mt.insert("smithy.api#default".into(), v);
            }
            let mut m = Map::new();
            m.insert("target".into(), target);
            if !mt.is_empty() {
                m.insert("traits".into(), Json::Object(mt));
            }
            members.insert(mname, Json::Object(m));
        }
    }
}

struct FileInfo {
    namespace: String,
    uses: Vec<String>,
}

/// Parses one file into a JSON AST (references resolved against this file alone).
pub fn parse(text: &str, file_name: &str) -> Result<Json, String> {
    let (parsed, info) = parse_one(text, file_name, 0)?;
    let files = vec![info];
    finish(vec![parsed], &files)
}

type Parsed = (Map<String, Json>, Vec<(String, Map<String, Json>)>);

fn parse_one(text: &str, file_name: &str, file: usize) -> Result<(Parsed, FileInfo), String> {
    let toks = Lexer::new(text).tokens().map_err(|e| format!("{file_name}:{e}"))?;
    let mut p = Parser {
        toks,
        i: 0,
        file,
        file_name: file_name.to_string(),
        namespace: String::new(),
        input_suffix: "Input".into(),
        output_suffix: "Output".into(),
        shapes: Map::new(),
        applies: Vec::new(),
        uses: Vec::new(),
    };
    p.parse_file()?;
    Ok(((p.shapes, p.applies), FileInfo { namespace: p.namespace, uses: p.uses }))
}

/// Parses every `.smithy` file under `dir` as one model and returns its JSON AST.
pub fn load_dir(dir: &Path) -> Result<Json, String> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    load_files(&files)
}

/// Parses the given `.smithy` files as one model.
pub fn load_files(paths: &[PathBuf]) -> Result<Json, String> {
    let mut parsed = Vec::new();
    let mut infos = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (p, info) = parse_one(&text, &path.display().to_string(), i)?;
        parsed.push(p);
        infos.push(info);
    }
    finish(parsed, &infos)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries {
        let p = e.map_err(|e| e.to_string())?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().and_then(|x| x.to_str()) == Some("smithy") {
            out.push(p);
        }
    }
    Ok(())
}

/// Resolves references, applies `apply` statements, flattens mixins and elided targets.
fn finish(parsed: Vec<Parsed>, files: &[FileInfo]) -> Result<Json, String> {
    let mut shapes: BTreeMap<String, Json> = BTreeMap::new();
    let mut applies = Vec::new();
    for (s, a) in parsed {
        shapes.extend(s);
        applies.extend(a);
    }
    let defined: std::collections::HashSet<String> = shapes.keys().cloned().collect();
    let resolve = |s: &str| -> String { resolve_ref(s, files, &defined) };
    let mut resolved: BTreeMap<String, Json> = shapes.into_iter().map(|(k, v)| (k, resolve_json(v, &resolve))).collect();
    for (target, traits) in applies {
        let target = resolve(&target);
        let traits = resolve_json(Json::Object(traits), &resolve);
        let (shape_id, member) = match target.split_once('$') {
            Some((s, m)) => (s.to_string(), Some(m.to_string())),
            None => (target.clone(), None),
        };
        let Some(shape) = resolved.get_mut(&shape_id) else { continue };
        let slot = match &member {
            None => Some(shape),
            Some(m) => member_slot(shape, m),
        };
        if let Some(Json::Object(obj)) = slot {
            let t = obj.entry("traits").or_insert_with(|| json!({}));
            if let (Json::Object(t), Json::Object(new)) = (t, traits) {
                t.extend(new);
            }
        } else if let Some(m) = member {
            // `apply Shape$member` for a member that comes from a mixin: remember for after flattening.
            PENDING.with(|p| p.borrow_mut().push((shape_id, m, traits)));
        }
    }
    flatten_mixins(&mut resolved);
    for (shape_id, m, traits) in PENDING.with(|p| std::mem::take(&mut *p.borrow_mut())) {
        if let Some(Json::Object(obj)) = resolved.get_mut(&shape_id).and_then(|s| member_slot(s, &m)) {
            let t = obj.entry("traits").or_insert_with(|| json!({}));
            if let (Json::Object(t), Json::Object(new)) = (t, traits) {
                t.extend(new);
            }
        }
    }
    elide_targets(&mut resolved);
    let mut out = Map::new();
    for (k, mut v) in resolved {
        if let Json::Object(o) = &mut v {
            o.remove("$for");
        }
        out.insert(k, v);
    }
    Ok(json!({ "smithy": "2.0", "shapes": Json::Object(out) }))
}

thread_local! {
    static PENDING: std::cell::RefCell<Vec<(String, String, Json)>> = std::cell::RefCell::new(Vec::new());
}

fn member_slot<'a>(shape: &'a mut Json, m: &str) -> Option<&'a mut Json> {
    if shape.get("members").map(Json::is_object).unwrap_or(false) {
        return shape.get_mut("members").and_then(|ms| ms.get_mut(m));
    }
    shape.get_mut(m)
}

fn resolve_ref(s: &str, files: &[FileInfo], defined: &std::collections::HashSet<String>) -> String {
    let Some(rest) = s.strip_prefix(REL) else { return s.to_string() };
    let Some((file, name)) = rest.split_once(REL) else { return s.to_string() };
    let Some(info) = file.parse::<usize>().ok().and_then(|i| files.get(i)) else { return name.to_string() };
    // `Foo$member` resolves its shape part.
    let (base, member) = match name.split_once('$') {
        Some((b, m)) => (b, Some(m)),
        None => (name, None),
    };
    let with_member = |id: String| match member {
        Some(m) => format!("{id}${m}"),
        None => id,
    };
    if let Some(u) = info.uses.iter().find(|u| u.rsplit_once('#').map(|(_, n)| n == base).unwrap_or(false)) {
        return with_member(u.clone());
    }
    let local = format!("{}#{base}", info.namespace);
    if defined.contains(&local) {
        return with_member(local);
    }
    if PRELUDE.contains(&base) || is_prelude_trait(base) {
        return with_member(format!("smithy.api#{base}"));
    }
    // Unknown: a shape of this namespace defined nowhere, or a plain word in a node value.
    if member.is_none() && !base.chars().next().map(|c| c.is_ascii_uppercase()).unwrap_or(false) && !base.contains('.') {
        return base.to_string();
    }
    with_member(local)
}

/// Traits of the prelude (`@required`, `@http` …), which need no `use`.
fn is_prelude_trait(name: &str) -> bool {
    name.chars().next().map(|c| c.is_ascii_lowercase()).unwrap_or(false)
}

/// Resolves markers in strings and object keys.
fn resolve_json(v: Json, resolve: &dyn Fn(&str) -> String) -> Json {
    match v {
        Json::String(s) if s.starts_with(REL) => Json::String(resolve(&s)),
        Json::Array(a) => Json::Array(a.into_iter().map(|x| resolve_json(x, resolve)).collect()),
        Json::Object(o) => Json::Object(
            o.into_iter()
                .map(|(k, x)| {
                    let k = if k.starts_with(REL) { resolve(&k) } else { k };
                    (k, resolve_json(x, resolve))
                })
                .collect(),
        ),
        other => other,
    }
}

/// Copies mixin members and traits into the shapes that use them.
fn flatten_mixins(shapes: &mut BTreeMap<String, Json>) {
    let ids: Vec<String> = shapes.keys().cloned().collect();
    let mut done = std::collections::HashSet::new();
    for id in ids {
        flatten_one(shapes, &id, &mut done, 0);
    }
}

fn flatten_one(shapes: &mut BTreeMap<String, Json>, id: &str, done: &mut std::collections::HashSet<String>, depth: usize) {
    if depth > 32 || done.contains(id) {
        return;
    }
    done.insert(id.to_string());
    let mixins: Vec<String> = shapes
        .get(id)
        .and_then(|s| s.get("mixins"))
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(|m| m.get("target").and_then(Json::as_str).map(str::to_string)).collect())
        .unwrap_or_default();
    if mixins.is_empty() {
        return;
    }
    for m in &mixins {
        flatten_one(shapes, m, done, depth + 1);
    }
    let mut inherited_members = Map::new();
    let mut inherited_traits = Map::new();
    for m in &mixins {
        let Some(mixin) = shapes.get(m) else { continue };
        if let Some(Json::Object(ms)) = mixin.get("members") {
            inherited_members.extend(ms.clone());
        }
        for k in ["member", "key", "value"] {
            if let Some(v) = mixin.get(k) {
                inherited_members.insert(format!("${k}"), v.clone());
            }
        }
        if let Some(Json::Object(ts)) = mixin.get("traits") {
            let local: Vec<String> = ts
                .get("smithy.api#mixin")
                .and_then(|x| x.get("localTraits"))
                .and_then(Json::as_array)
                .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            for (k, v) in ts {
                if k != "smithy.api#mixin" && !local.contains(k) {
                    inherited_traits.insert(k.clone(), v.clone());
                }
            }
        }
    }
    let Some(Json::Object(shape)) = shapes.get_mut(id) else { return };
    shape.remove("mixins");
    // Mixin members come first; the shape's own members (or re-declarations) override them.
    let own = match shape.remove("members") {
        Some(Json::Object(o)) => o,
        _ => Map::new(),
    };
    let mut members = Map::new();
    for (k, v) in inherited_members.iter().filter(|(k, _)| !k.starts_with('$')) {
        let mut merged = v.clone();
        if let Some(o) = own.get(k) {
            // A re-declared member keeps the mixin's target and merges traits.
            if let (Some(Json::Object(t)), Json::Object(mo)) = (o.get("traits"), &mut merged) {
                let mt = mo.entry("traits").or_insert_with(|| json!({}));
                if let Json::Object(mt) = mt {
                    mt.extend(t.clone());
                }
            }
        }
        members.insert(k.clone(), merged);
    }
    for (k, v) in own {
        if !members.contains_key(&k) {
            members.insert(k, v);
        }
    }
    let is_collection = matches!(shape.get("type").and_then(Json::as_str), Some("list") | Some("map"));
    if is_collection {
        for k in ["member", "key", "value"] {
            if let Some(v) = inherited_members.get(&format!("${k}")) {
                shape.entry(k).or_insert_with(|| v.clone());
            }
        }
    } else {
        shape.insert("members".into(), Json::Object(members));
    }
    let traits = shape.entry("traits").or_insert_with(|| json!({}));
    if let Json::Object(t) = traits {
        for (k, v) in inherited_traits {
            t.entry(k).or_insert(v);
        }
        if t.is_empty() {
            shape.remove("traits");
        }
    }
}

/// Fills `$member` targets from the resource named by `for`.
fn elide_targets(shapes: &mut BTreeMap<String, Json>) {
    let ids: Vec<String> = shapes.keys().cloned().collect();
    for id in ids {
        let resource = shapes.get(&id).and_then(|s| s.get("$for")).and_then(Json::as_str).map(str::to_string);
        let mut lookup: HashMap<String, Json> = HashMap::new();
        if let Some(r) = resource.and_then(|r| shapes.get(&r)) {
            for k in ["identifiers", "properties"] {
                if let Some(Json::Object(o)) = r.get(k) {
                    for (name, t) in o {
                        if let Some(t) = t.get("target") {
                            lookup.insert(name.clone(), t.clone());
                        }
                    }
                }
            }
        }
        if let Some(Json::Object(members)) = shapes.get_mut(&id).and_then(|s| s.get_mut("members")) {
            for (name, m) in members.iter_mut() {
                if m.get("target").map(Json::is_null).unwrap_or(false) {
                    if let Some(t) = lookup.get(name) {
                        m["target"] = t.clone();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_blocks_strip_incidental_whitespace() {
        let src = "namespace a\n@documentation(\"\"\"\n    <a>\n        <b/>\n    </a>\n    \"\"\")\nstring S\n";
        let ast = parse(src, "t.smithy").unwrap();
        assert_eq!(ast["shapes"]["a#S"]["traits"]["smithy.api#documentation"], json!("<a>\n    <b/>\n</a>\n"));
        let src = "namespace a\n@documentation(\"\"\"\n    { \"x\": 1 }\"\"\")\nstring S\n";
        let ast = parse(src, "t.smithy").unwrap();
        assert_eq!(ast["shapes"]["a#S"]["traits"]["smithy.api#documentation"], json!("{ \"x\": 1 }"));
    }

    #[test]
    fn shapes_traits_and_references() {
        let src = r#"
$version: "2.0"
$operationInputSuffix: "Request"
namespace ex.test
use aws.protocols#restJson1

/// The service.
@restJson1
service Svc { version: "2020-01-01", operations: [Op] }

@http(method: "POST", uri: "/op/{id}", code: 200)
operation Op {
    input := with [Common] {
        @required @httpLabel
        id: String
        count: Integer = 0
    }
    output: OpOutput
    errors: [Bad]
}

@mixin
structure Common { @jsonName("n") name: String }

structure OpOutput { items: Items, kind: Kind }
list Items { member: String }
enum Kind { A, B = "bee" }
intEnum Num { ONE = 1 }
@error("client") structure Bad {}
apply Op @tags(["x"])
"#;
        let ast = parse(src, "t.smithy").unwrap();
        let s = &ast["shapes"];
        assert_eq!(s["ex.test#Svc"]["traits"]["aws.protocols#restJson1"], json!({}));
        assert_eq!(s["ex.test#Svc"]["operations"][0]["target"], json!("ex.test#Op"));
        assert_eq!(s["ex.test#Op"]["traits"]["smithy.api#http"]["uri"], json!("/op/{id}"));
        assert_eq!(s["ex.test#Op"]["traits"]["smithy.api#tags"], json!(["x"]));
        assert_eq!(s["ex.test#Op"]["input"]["target"], json!("ex.test#OpRequest"));
        let input = &s["ex.test#OpRequest"];
        assert_eq!(input["members"]["id"]["target"], json!("smithy.api#String"));
        assert_eq!(input["members"]["count"]["traits"]["smithy.api#default"], json!(0));
        assert_eq!(input["members"]["name"]["traits"]["smithy.api#jsonName"], json!("n"));
        assert!(input["traits"]["smithy.api#input"].is_object());
        assert_eq!(s["ex.test#Kind"]["members"]["B"]["traits"]["smithy.api#enumValue"], json!("bee"));
        assert_eq!(s["ex.test#Num"]["members"]["ONE"]["traits"]["smithy.api#enumValue"], json!(1));
        assert_eq!(s["ex.test#Op"]["errors"][0]["target"], json!("ex.test#Bad"));
    }

    #[test]
    fn loads_the_protocol_test_models() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/smithy-protocol-tests");
        if !dir.exists() {
            eprintln!("skipping: {} is absent", dir.display());
            return;
        }
        let ast = load_dir(&dir.join("smithy-aws-protocol-tests/model")).unwrap();
        let shapes = ast["shapes"].as_object().unwrap();
        let rest = &shapes["aws.protocoltests.restjson#RestJson"];
        assert!(rest["traits"]["aws.protocols#restJson1"].is_object());
        let cases = shapes["aws.protocoltests.restjson#AllQueryStringTypes"]["traits"]["smithy.test#httpRequestTests"]
            .as_array()
            .unwrap();
        assert!(cases.len() > 5);
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for s in shapes.values() {
            for k in ["httpRequestTests", "httpResponseTests", "httpMalformedRequestTests", "eventStreamTests"] {
                if let Some(a) = s.get("traits").and_then(|t| t.get(format!("smithy.test#{k}"))).and_then(Json::as_array) {
                    *counts.entry(k).or_default() += a.len();
                }
            }
        }
        eprintln!("protocol test cases: {counts:?}");
        let mut model = crate::model::Model::new();
        model.add_ast(ast).unwrap();
        assert!(counts.values().sum::<usize>() > 1000);
    }
}
