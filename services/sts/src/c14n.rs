//! XML canonicalization: the byte string an XML signature's digests and
//! signature are computed over.
//!
//! Exclusive XML Canonicalization 1.0 (`http://www.w3.org/2001/10/xml-exc-c14n#`)
//! is what SAML IdPs use: a signed assertion must digest the same whether it
//! stands alone or sits inside a Response that declares other namespaces, so
//! only the namespaces an element visibly uses are rendered (plus those named
//! in an `InclusiveNamespaces PrefixList`, which IdPs use for prefixes that
//! appear only inside attribute values, such as `xs` in `xsi:type="xs:string"`).
//! Canonical XML 1.0 (inclusive) is supported too, as XML-DSig's default.
//!
//! Both render a subtree of a parsed [`Document`]: start and end tags for
//! every element, namespace declarations first (sorted by prefix, the default
//! namespace first), then attributes sorted by (namespace URI, local name),
//! with the canonical escaping of text and attribute values. One node (the
//! enveloped `Signature`) can be left out.

use crate::xml::{split_qname, Document, NodeId, NodeKind, XmlError, XML_NS};
use std::collections::{BTreeMap, BTreeSet};

pub const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
pub const C14N_WITH_COMMENTS: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
pub const EXC_C14N_WITH_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

/// How to canonicalize.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Method {
    /// Exclusive (render only visibly utilized namespaces) or inclusive.
    pub exclusive: bool,
    pub with_comments: bool,
    /// Exclusive only: prefixes rendered as inclusive canonicalization would
    /// (`""` is the default namespace, written `#default` in a PrefixList).
    pub inclusive_prefixes: Vec<String>,
}

impl Method {
    /// The method an algorithm URI names; `None` for an unknown URI.
    pub fn from_algorithm(uri: &str, prefix_list: Option<&str>) -> Option<Method> {
        let (exclusive, with_comments) = match uri {
            C14N => (false, false),
            C14N_WITH_COMMENTS => (false, true),
            EXC_C14N => (true, false),
            EXC_C14N_WITH_COMMENTS => (true, true),
            _ => return None,
        };
        let inclusive_prefixes = if exclusive {
            prefix_list
                .unwrap_or("")
                .split_ascii_whitespace()
                .map(|p| if p == "#default" { String::new() } else { p.to_string() })
                .collect()
        } else {
            Vec::new()
        };
        Some(Method { exclusive, with_comments, inclusive_prefixes })
    }
}

/// The canonical form of the subtree at `apex`, leaving out the subtree at
/// `exclude` (if any).
pub fn canonicalize(doc: &Document, apex: NodeId, exclude: Option<NodeId>, method: &Method) -> Result<String, XmlError> {
    let mut c = Canonicalizer { doc, exclude, method, out: String::new() };
    c.element(apex, &BTreeMap::new(), true)?;
    Ok(c.out)
}

struct Canonicalizer<'a> {
    doc: &'a Document,
    exclude: Option<NodeId>,
    method: &'a Method,
    out: String,
}

/// Namespace prefix → URI as rendered by the output ancestors of an element.
type Rendered = BTreeMap<String, String>;

impl Canonicalizer<'_> {
    fn element(&mut self, id: NodeId, rendered: &Rendered, apex: bool) -> Result<(), XmlError> {
        let doc = self.doc;
        let NodeKind::Element { name, attrs, children } = &doc.node(id).kind else { return Ok(()) };

        // Which namespace declarations this element renders.
        let (own_prefix, _) = split_qname(name);
        let mut utilized: BTreeSet<String> = BTreeSet::new();
        utilized.insert(own_prefix.to_string());
        for (k, _) in attrs.iter().filter(|(k, _)| !is_namespace_declaration(k)) {
            let (p, _) = split_qname(k);
            // Unprefixed attributes are in no namespace: they do not use the default one.
            if !p.is_empty() {
                utilized.insert(p.to_string());
            }
        }
        let mut considered = utilized.clone();
        if self.method.exclusive {
            considered.extend(self.method.inclusive_prefixes.iter().cloned());
        } else {
            considered.extend(in_scope_prefixes(doc, id));
        }
        let mut mine = rendered.clone();
        let mut declarations: Vec<(String, String)> = Vec::new();
        for prefix in &considered {
            if prefix == "xml" || prefix == "xmlns" {
                continue;
            }
            let declared = match doc.lookup_namespace(id, prefix) {
                // Rendered unless an output ancestor already rendered the same binding.
                Some(uri) => (rendered.get(prefix).map(String::as_str) != Some(uri)).then(|| uri.to_string()),
                // An unbound default namespace undoes a default an ancestor rendered.
                None if prefix.is_empty() => rendered.get("").is_some_and(|u| !u.is_empty()).then(String::new),
                None if utilized.contains(prefix) => return Err(XmlError(format!("namespace prefix '{prefix}' is not declared"))),
                None => None,
            };
            if let Some(uri) = declared {
                declarations.push((prefix.clone(), uri.clone()));
                mine.insert(prefix.clone(), uri);
            }
        }
        // BTreeSet iteration already sorts by prefix with the default ("") first.

        // Attributes, sorted by (namespace URI, local name); unqualified ones first.
        let mut sorted: Vec<(String, &str, &str, &str)> = Vec::new();
        for (k, v) in attrs.iter().filter(|(k, _)| !is_namespace_declaration(k)) {
            let (p, local) = split_qname(k);
            let uri = if p.is_empty() {
                String::new()
            } else {
                doc.lookup_namespace(id, p).ok_or_else(|| XmlError(format!("namespace prefix '{p}' is not declared")))?.to_string()
            };
            sorted.push((uri, local, k.as_str(), v.as_str()));
        }
        // Inclusive canonicalization of a document subset: the apex inherits
        // the xml:* attributes (xml:lang, xml:space …) of its ancestors.
        if apex && !self.method.exclusive {
            for (k, v) in inherited_xml_attributes(doc, id) {
                if !sorted.iter().any(|(_, _, name, _)| *name == k) {
                    let local = split_qname(k).1;
                    sorted.push((XML_NS.to_string(), local, k, v));
                }
            }
        }
        sorted.sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));

        self.out.push('<');
        self.out.push_str(name);
        for (prefix, uri) in &declarations {
            if prefix.is_empty() {
                self.out.push_str(" xmlns=\"");
            } else {
                self.out.push_str(" xmlns:");
                self.out.push_str(prefix);
                self.out.push_str("=\"");
            }
            escape_attribute(&mut self.out, uri);
            self.out.push('"');
        }
        for (_, _, qname, value) in &sorted {
            self.out.push(' ');
            self.out.push_str(qname);
            self.out.push_str("=\"");
            escape_attribute(&mut self.out, value);
            self.out.push('"');
        }
        self.out.push('>');
        for &child in children {
            if Some(child) == self.exclude {
                continue;
            }
            match &doc.node(child).kind {
                NodeKind::Element { .. } => self.element(child, &mine, false)?,
                NodeKind::Text(t) => escape_text(&mut self.out, t),
                NodeKind::Comment(c) => {
                    if self.method.with_comments {
                        self.out.push_str("<!--");
                        self.out.push_str(c);
                        self.out.push_str("-->");
                    }
                }
                NodeKind::ProcessingInstruction { target, data } => {
                    self.out.push_str("<?");
                    self.out.push_str(target);
                    if !data.is_empty() {
                        self.out.push(' ');
                        self.out.push_str(data);
                    }
                    self.out.push_str("?>");
                }
            }
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        Ok(())
    }
}

fn is_namespace_declaration(qname: &str) -> bool {
    qname == "xmlns" || qname.starts_with("xmlns:")
}

/// Every prefix declared on `id` or an ancestor (`""` for a default namespace).
fn in_scope_prefixes(doc: &Document, id: NodeId) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut at = Some(id);
    while let Some(n) = at {
        for (k, _) in doc.attrs(n) {
            if k == "xmlns" {
                out.insert(String::new());
            } else if let Some(p) = k.strip_prefix("xmlns:") {
                out.insert(p.to_string());
            }
        }
        at = doc.node(n).parent;
    }
    out
}

/// The xml:* attributes of the ancestors of `id`, the nearest one winning.
fn inherited_xml_attributes(doc: &Document, id: NodeId) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    let mut at = doc.node(id).parent;
    while let Some(n) = at {
        for (k, v) in doc.attrs(n) {
            if k.starts_with("xml:") && !out.iter().any(|(seen, _)| seen == k) {
                out.push((k.as_str(), v.as_str()));
            }
        }
        at = doc.node(n).parent;
    }
    out
}

/// Text nodes: `&`, `<`, `>` and carriage returns are escaped.
fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            _ => out.push(c),
        }
    }
}

/// Attribute values: `&`, `<`, `"` and the whitespace characters a parser
/// would otherwise normalize are escaped.
fn escape_attribute(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exc(xml: &str) -> String {
        let doc = Document::parse(xml).unwrap();
        canonicalize(&doc, doc.root, None, &Method::from_algorithm(EXC_C14N, None).unwrap()).unwrap()
    }

    fn subtree(xml: &str, local: &str, method: &Method) -> String {
        let doc = Document::parse(xml).unwrap();
        let id = std::iter::once(doc.root).chain(doc.descendants(doc.root)).find(|&n| doc.local_name(n) == local).unwrap();
        canonicalize(&doc, id, None, method).unwrap()
    }

    #[test]
    fn empty_elements_become_start_and_end_tags_and_the_declaration_goes() {
        assert_eq!(exc("<?xml version=\"1.0\"?>\n<a><b/><c x='1' /></a>"), r#"<a><b></b><c x="1"></c></a>"#);
    }

    #[test]
    fn attributes_sort_unqualified_first_then_by_namespace_uri_and_local_name() {
        // b: is bound to a URI that sorts before a:'s, so b:attr comes first.
        let xml = r#"<e xmlns:a="http://z" xmlns:b="http://a" z="1" a:y="2" b:x="3" a="4" b:a="5"/>"#;
        assert_eq!(
            exc(xml),
            r#"<e xmlns:a="http://z" xmlns:b="http://a" a="4" z="1" b:a="5" b:x="3" a:y="2"></e>"#
        );
    }

    #[test]
    fn exclusive_renders_only_visibly_utilized_namespaces_where_first_used() {
        let xml = r#"<r:Root xmlns:r="urn:r" xmlns:unused="urn:u" xmlns="urn:d"><r:Child><Inner/></r:Child></r:Root>"#;
        assert_eq!(exc(xml), r#"<r:Root xmlns:r="urn:r"><r:Child><Inner xmlns="urn:d"></Inner></r:Child></r:Root>"#);
    }

    #[test]
    fn a_subtree_carries_the_namespaces_it_inherits_and_uses() {
        let xml = r#"<p:Response xmlns:p="urn:p" xmlns:s="urn:s" xmlns:xs="urn:xs"><s:Assertion ID="a"><s:V>xs:string</s:V></s:Assertion></p:Response>"#;
        let plain = Method::from_algorithm(EXC_C14N, None).unwrap();
        assert_eq!(subtree(xml, "Assertion", &plain), r#"<s:Assertion xmlns:s="urn:s" ID="a"><s:V>xs:string</s:V></s:Assertion>"#);
        // xs appears only in text: an InclusiveNamespaces PrefixList brings it in.
        let with_xs = Method::from_algorithm(EXC_C14N, Some("xs #default")).unwrap();
        assert_eq!(
            subtree(xml, "Assertion", &with_xs),
            r#"<s:Assertion xmlns:s="urn:s" xmlns:xs="urn:xs" ID="a"><s:V>xs:string</s:V></s:Assertion>"#
        );
    }

    #[test]
    fn a_redeclared_prefix_is_rendered_again_and_an_undone_default_as_empty() {
        let xml = r#"<a xmlns="urn:1" xmlns:p="urn:p"><p:b xmlns:p="urn:other"><c xmlns=""/></p:b></a>"#;
        assert_eq!(exc(xml), r#"<a xmlns="urn:1"><p:b xmlns:p="urn:other"><c xmlns=""></c></p:b></a>"#);
    }

    #[test]
    fn inclusive_renders_every_namespace_in_scope_and_inherited_xml_attributes() {
        let xml = r#"<a xmlns:x="urn:x" xml:lang="en"><b><c/></b></a>"#;
        let method = Method::from_algorithm(C14N, None).unwrap();
        assert_eq!(subtree(xml, "b", &method), r#"<b xmlns:x="urn:x" xml:lang="en"><c></c></b>"#);
    }

    #[test]
    fn text_and_attribute_values_are_escaped_canonically() {
        let xml = "<a t=\"&lt;&amp;&quot;&gt;'&#9;&#10;&#13;\">1 &lt; 2 &amp; 3 &gt; 2 \"q\" 'a' &#13;<![CDATA[<x>&]]></a>";
        assert_eq!(exc(xml), "<a t=\"&lt;&amp;&quot;>'&#x9;&#xA;&#xD;\">1 &lt; 2 &amp; 3 &gt; 2 \"q\" 'a' &#xD;&lt;x&gt;&amp;</a>");
    }

    #[test]
    fn literal_whitespace_in_attribute_values_is_normalized_and_newlines_in_text_are_unified() {
        assert_eq!(exc("<a t=\"x\ty\nz\">l1\r\nl2\rl3</a>"), "<a t=\"x y z\">l1\nl2\nl3</a>");
    }

    #[test]
    fn comments_only_with_comments_and_processing_instructions_always() {
        let xml = "<a><!-- note --><?pi  data ?><?bare?></a>";
        assert_eq!(exc(xml), "<a><?pi data ?><?bare?></a>");
        let doc = Document::parse(xml).unwrap();
        let with = Method::from_algorithm(EXC_C14N_WITH_COMMENTS, None).unwrap();
        assert_eq!(canonicalize(&doc, doc.root, None, &with).unwrap(), "<a><!-- note --><?pi data ?><?bare?></a>");
    }

    #[test]
    fn an_excluded_subtree_is_left_out() {
        let doc = Document::parse(r#"<a ID="1"><ds:Signature xmlns:ds="urn:ds"><x/></ds:Signature><b/></a>"#).unwrap();
        let sig = doc.children(doc.root)[0];
        let method = Method::from_algorithm(EXC_C14N, None).unwrap();
        assert_eq!(canonicalize(&doc, doc.root, Some(sig), &method).unwrap(), r#"<a ID="1"><b></b></a>"#);
    }

    #[test]
    fn an_undeclared_prefix_is_an_error() {
        let doc = Document::parse("<p:a/>").unwrap();
        assert!(canonicalize(&doc, doc.root, None, &Method::from_algorithm(EXC_C14N, None).unwrap()).is_err());
    }

    #[test]
    fn dtds_and_unknown_entities_are_refused() {
        assert!(Document::parse(r#"<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#).is_err());
        assert!(Document::parse("<a>&nbsp;</a>").is_err());
        assert!(Document::parse("<a></b>").is_err());
        assert!(Document::parse("<a/><b/>").is_err());
        assert!(Document::parse("\u{feff}<a/>").is_ok());
    }
}
