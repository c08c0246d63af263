//! A small XML DOM for SAML responses and IdP metadata.
//!
//! XML signatures are computed over the canonical form of the document
//! (`c14n`), which needs what general-purpose parsers throw away: the raw
//! qualified names as written, the namespace declarations where they were
//! made, attribute order, comments and processing instructions. This DOM
//! keeps all of that, in an arena so that a node knows its parent (namespace
//! scope is inherited) and so that "the node that was digested" and "the node
//! claims are read from" can be compared by identity.
//!
//! It is deliberately strict: a document type declaration is refused outright
//! (no DTDs means no external entities and no entity expansion bombs), only
//! the five predefined entities and character references are understood,
//! nesting depth is bounded, and the input must be UTF-8.

use quick_xml::events::Event;
use quick_xml::Reader;

/// The namespace the `xml` prefix is bound to, always.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Deeper nesting than this is not a SAML response (and recursion over it
/// could exhaust the stack).
const MAX_DEPTH: usize = 128;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct XmlError(pub String);

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(message: impl Into<String>) -> XmlError {
    XmlError(message.into())
}

/// Index of a node in its document.
pub type NodeId = usize;

#[derive(Debug, Clone)]
pub enum NodeKind {
    Element {
        /// The qualified name as written (`saml:Assertion`).
        name: String,
        /// Attributes in document order, namespace declarations (`xmlns`,
        /// `xmlns:p`) included, values with references resolved.
        attrs: Vec<(String, String)>,
        children: Vec<NodeId>,
    },
    Text(String),
    Comment(String),
    ProcessingInstruction { target: String, data: String },
}

#[derive(Debug, Clone)]
pub struct Node {
    pub parent: Option<NodeId>,
    pub kind: NodeKind,
}

/// A parsed document: its nodes and the document element.
#[derive(Debug, Clone)]
pub struct Document {
    pub nodes: Vec<Node>,
    pub root: NodeId,
}

/// `p:local` → (`p`, `local`); `local` → (``, `local`).
pub fn split_qname(qname: &str) -> (&str, &str) {
    qname.split_once(':').unwrap_or(("", qname))
}

/// Replaces the predefined entities and character references. Anything else
/// (an entity a DTD would have to define) is an error.
fn unescape(raw: &str) -> Result<String, XmlError> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or_else(|| err("unterminated reference"))?;
        let name = &after[..semi];
        match name {
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "amp" => out.push('&'),
            "apos" => out.push('\''),
            "quot" => out.push('"'),
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    return Err(err(format!("undefined entity &{name};")));
                };
                let c = code.and_then(char::from_u32).ok_or_else(|| err(format!("bad character reference &{name};")))?;
                out.push(c);
            }
        }
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// XML 1.0 §2.11: `\r\n` and lone `\r` read as `\n`.
fn normalize_newlines(raw: &str) -> String {
    raw.replace("\r\n", "\n").replace('\r', "\n")
}

/// XML 1.0 §3.3.3 for attributes without a declared type (there is no DTD):
/// literal whitespace characters become spaces; references are resolved
/// after, so `&#10;` stays a newline.
fn attribute_value(raw: &str) -> Result<String, XmlError> {
    let spaced: String = normalize_newlines(raw).chars().map(|c| if matches!(c, '\t' | '\n') { ' ' } else { c }).collect();
    if spaced.contains('<') {
        return Err(err("'<' in an attribute value"));
    }
    unescape(&spaced)
}

fn utf8(bytes: &[u8]) -> Result<&str, XmlError> {
    std::str::from_utf8(bytes).map_err(|_| err("the document is not UTF-8"))
}

impl Document {
    /// Parses a whole document. A DOCTYPE is refused (XXE and entity
    /// expansion have no way in).
    pub fn parse(text: &str) -> Result<Document, XmlError> {
        // A byte order mark may lead a UTF-8 document.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.check_comments = true;
        config.expand_empty_elements = false;

        let mut doc = Builder::default();
        loop {
            match reader.read_event().map_err(|e| err(format!("malformed XML: {e}")))? {
                Event::DocType(_) => return Err(err("a document type declaration (DTD) is not allowed")),
                Event::Decl(_) => {}
                Event::Start(e) => {
                    let id = doc.element(&e)?;
                    doc.open.push(id);
                }
                // An empty-element tag opens and closes at once.
                Event::Empty(e) => {
                    doc.element(&e)?;
                }
                Event::End(_) => {
                    doc.open.pop();
                }
                Event::Text(t) => {
                    let raw = utf8(&t)?;
                    match doc.open.last() {
                        Some(_) => doc.text(unescape(&normalize_newlines(raw))?),
                        // Only whitespace may stand outside the document element.
                        None if raw.trim().is_empty() => {}
                        None => return Err(err("text outside the document element")),
                    }
                }
                Event::CData(t) => {
                    if doc.open.is_empty() {
                        return Err(err("CDATA outside the document element"));
                    }
                    doc.text(normalize_newlines(utf8(&t)?));
                }
                // Comments and processing instructions outside the document
                // element do not matter to SAML and are dropped.
                Event::Comment(t) => {
                    let text = normalize_newlines(utf8(&t)?);
                    doc.leaf(NodeKind::Comment(text));
                }
                Event::PI(pi) => {
                    let target = utf8(pi.target())?.to_string();
                    let data = normalize_newlines(utf8(pi.content())?.trim_start());
                    doc.leaf(NodeKind::ProcessingInstruction { target, data });
                }
                Event::Eof => break,
            }
        }
        if !doc.open.is_empty() {
            return Err(err("unexpected end of document"));
        }
        let root = doc.root.ok_or_else(|| err("no document element"))?;
        Ok(Document { nodes: doc.nodes, root })
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The qualified name of an element (empty for other nodes).
    pub fn name(&self, id: NodeId) -> &str {
        match &self.nodes[id].kind {
            NodeKind::Element { name, .. } => name,
            _ => "",
        }
    }

    pub fn is_element(&self, id: NodeId) -> bool {
        matches!(self.nodes[id].kind, NodeKind::Element { .. })
    }

    pub fn attrs(&self, id: NodeId) -> &[(String, String)] {
        match &self.nodes[id].kind {
            NodeKind::Element { attrs, .. } => attrs,
            _ => &[],
        }
    }

    /// An attribute's value by its name as written (`ID`, `xml:lang`).
    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        self.attrs(id).iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn children(&self, id: NodeId) -> &[NodeId] {
        match &self.nodes[id].kind {
            NodeKind::Element { children, .. } => children,
            _ => &[],
        }
    }

    /// The namespace `prefix` is bound to where `id` stands (`""` asks for
    /// the default namespace); `None` when unbound (or bound to "").
    pub fn lookup_namespace(&self, id: NodeId, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(XML_NS);
        }
        let wanted = if prefix.is_empty() { "xmlns".to_string() } else { format!("xmlns:{prefix}") };
        let mut at = Some(id);
        while let Some(n) = at {
            if let Some(uri) = self.attr(n, &wanted) {
                return (!uri.is_empty()).then_some(uri);
            }
            at = self.nodes[n].parent;
        }
        None
    }

    /// The namespace URI of an element's name.
    pub fn namespace(&self, id: NodeId) -> Option<&str> {
        let (prefix, _) = split_qname(self.name(id));
        self.lookup_namespace(id, prefix)
    }

    pub fn local_name(&self, id: NodeId) -> &str {
        split_qname(self.name(id)).1
    }

    /// Whether `id` is the element `{ns}local`.
    pub fn is(&self, id: NodeId, ns: &str, local: &str) -> bool {
        self.is_element(id) && self.local_name(id) == local && self.namespace(id) == Some(ns)
    }

    /// The child elements `{ns}local` of `id`.
    pub fn children_named<'a>(&'a self, id: NodeId, ns: &'a str, local: &'a str) -> impl Iterator<Item = NodeId> + 'a {
        self.children(id).iter().copied().filter(move |&c| self.is(c, ns, local))
    }

    /// The first child element `{ns}local` of `id`.
    pub fn child(&self, id: NodeId, ns: &str, local: &str) -> Option<NodeId> {
        self.children_named(id, ns, local).next()
    }

    /// Every element below `id` (not `id` itself), in document order.
    pub fn descendants(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = self.children(id).iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            if self.is_element(n) {
                out.push(n);
                stack.extend(self.children(n).iter().rev().copied());
            }
        }
        out
    }

    /// The concatenated text directly inside an element.
    pub fn text(&self, id: NodeId) -> String {
        self.children(id)
            .iter()
            .filter_map(|&c| match &self.nodes[c].kind {
                NodeKind::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Whether `node` is `ancestor` or lies inside it.
    pub fn is_within(&self, node: NodeId, ancestor: NodeId) -> bool {
        let mut at = Some(node);
        while let Some(n) = at {
            if n == ancestor {
                return true;
            }
            at = self.nodes[n].parent;
        }
        false
    }
}

/// The document under construction.
#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    open: Vec<NodeId>,
    root: Option<NodeId>,
}

impl Builder {
    fn attach(&mut self, kind: NodeKind) -> NodeId {
        let id = self.nodes.len();
        let parent = self.open.last().copied();
        if let Some(p) = parent {
            if let NodeKind::Element { children, .. } = &mut self.nodes[p].kind {
                children.push(id);
            }
        }
        self.nodes.push(Node { parent, kind });
        id
    }

    fn element(&mut self, e: &quick_xml::events::BytesStart) -> Result<NodeId, XmlError> {
        if self.open.is_empty() && self.root.is_some() {
            return Err(err("more than one document element"));
        }
        if self.open.len() >= MAX_DEPTH {
            return Err(err("the document is nested too deeply"));
        }
        let name = utf8(e.name().as_ref())?.to_string();
        let mut attrs = Vec::new();
        for a in e.attributes().with_checks(true) {
            let a = a.map_err(|e| err(format!("malformed attribute: {e}")))?;
            attrs.push((utf8(a.key.as_ref())?.to_string(), attribute_value(utf8(&a.value)?)?));
        }
        let id = self.attach(NodeKind::Element { name, attrs, children: Vec::new() });
        if self.open.is_empty() {
            self.root = Some(id);
        }
        Ok(id)
    }

    /// Text, merged with a text node just before it (CDATA next to text is one text node).
    fn text(&mut self, value: String) {
        let Some(&parent) = self.open.last() else { return };
        let last = match &self.nodes[parent].kind {
            NodeKind::Element { children, .. } => children.last().copied(),
            _ => None,
        };
        if let Some(NodeKind::Text(t)) = last.map(|l| &mut self.nodes[l].kind) {
            t.push_str(&value);
            return;
        }
        if !value.is_empty() {
            self.attach(NodeKind::Text(value));
        }
    }

    /// A comment or processing instruction, kept only inside the document element.
    fn leaf(&mut self, kind: NodeKind) {
        if !self.open.is_empty() {
            self.attach(kind);
        }
    }
}
