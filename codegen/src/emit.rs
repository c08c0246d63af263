//! Writes one crate per service under `generated/`:
//! - `schema.rs`: the `ServiceSchema` as static data (what codecs, validation,
//!   routing and the resource engine run on);
//! - `types.rs`: typed shapes with `FromValue` for input-side shapes and
//!   `ToValue` for output/error-side shapes (no serde, no per-shape generics);
//! - `api.rs`: per-operation error enums, the service's async operation trait
//!   whose default methods answer "not implemented", and the dyn dispatcher.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};
use simfra_model::schema::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;

/// Where a service's model came from, for the generated header.
pub struct Origin<'a> {
    pub model_path: &'a str,
    pub sha256: &'a str,
}

pub struct GeneratedCrate {
    /// `simfra-gen-sqs`
    pub package: String,
    /// (relative path inside the crate dir, contents)
    pub files: Vec<(String, String)>,
}

pub fn crate_package(service: &str) -> String {
    format!("simfra-gen-{service}")
}

pub fn crate_lib_name(service: &str) -> String {
    format!("simfra_gen_{}", service.replace('-', "_"))
}

/// `s3-control` → `S3ControlApi`
pub fn api_trait_name(service: &str) -> String {
    format!("{}Api", service.to_upper_camel_case())
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// Makes `name` a valid, unused identifier (keywords get a trailing `_`,
/// collisions a numeric suffix).
fn unique(name: String, used: &mut HashSet<String>) -> String {
    let mut n = if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) { format!("V{name}") } else { name };
    if RUST_KEYWORDS.contains(&n.as_str()) {
        n.push('_');
    }
    let base = n.clone();
    let mut i = 2;
    while !used.insert(n.clone()) {
        n = format!("{base}{i}");
        i += 1;
    }
    n
}

fn type_ident_base(shape_name: &str) -> String {
    let camel = shape_name.to_upper_camel_case();
    if camel.is_empty() {
        "Shape".to_string()
    } else {
        camel
    }
}

/// Names and facts about one service's shapes that the emitters share.
struct Names<'s> {
    schema: &'s ServiceSchema,
    /// Rust type name of each structure/union/enum shape.
    type_names: BTreeMap<ShapeId, String>,
    /// Field names per structure/union (same order as members).
    field_names: BTreeMap<ShapeId, Vec<String>>,
    /// (structure, member index) pairs whose field must be boxed (recursive types).
    boxed: HashSet<(ShapeId, usize)>,
    /// Shapes needing `FromValue` / `ToValue`.
    from_side: BTreeSet<ShapeId>,
    to_side: BTreeSet<ShapeId>,
}

fn is_unit(schema: &ServiceSchema, id: ShapeId) -> bool {
    let s = schema.shape(id);
    s.name == "Unit" && s.kind == ShapeKind::Structure && s.members.is_empty()
}

fn has_type(kind: ShapeKind) -> bool {
    matches!(kind, ShapeKind::Structure | ShapeKind::Union | ShapeKind::Enum)
}

impl<'s> Names<'s> {
    fn new(schema: &'s ServiceSchema) -> Self {
        let mut used: HashSet<String> = ["Unknown", "SCHEMA", "SERVICE_NAME"].iter().map(|s| s.to_string()).collect();
        let mut type_names = BTreeMap::new();
        let mut field_names = BTreeMap::new();
        for (i, s) in schema.shapes.iter().enumerate() {
            let id = i as ShapeId;
            if !has_type(s.kind) || is_unit(schema, id) {
                continue;
            }
            type_names.insert(id, unique(type_ident_base(s.name), &mut used));
            if matches!(s.kind, ShapeKind::Structure | ShapeKind::Union) {
                let mut fused = HashSet::new();
                let names = s
                    .members
                    .iter()
                    .map(|m| {
                        let n = if s.kind == ShapeKind::Union { type_ident_base(m.name) } else { m.name.to_snake_case() };
                        unique(n, &mut fused)
                    })
                    .collect();
                field_names.insert(id, names);
            }
        }
        let boxed = recursive_edges(schema);
        let mut from_roots = Vec::new();
        let mut to_roots = Vec::new();
        for op in schema.operations {
            from_roots.push(op.input);
            to_roots.push(op.output);
            to_roots.extend(op.errors.iter().copied());
        }
        to_roots.extend(schema.errors.iter().copied());
        // Every error shape converts to a value, whether or not an operation names it.
        to_roots.extend((0..schema.shapes.len() as ShapeId).filter(|i| schema.shape(*i).is_error()));
        Names {
            schema,
            type_names,
            field_names,
            boxed,
            from_side: reachable(schema, from_roots),
            to_side: reachable(schema, to_roots),
        }
    }

    fn type_name(&self, id: ShapeId) -> Ident {
        ident(&self.type_names[&id])
    }

    /// The Rust type of a value of shape `id` (as held in a field, list or map).
    fn rust_type(&self, id: ShapeId) -> TokenStream {
        let s = self.schema.shape(id);
        match s.kind {
            ShapeKind::Blob if s.flags & shape_flags::STREAMING != 0 => quote!(::simfra_model::ByteStream),
            ShapeKind::Blob => quote!(::simfra_model::Bytes),
            ShapeKind::Boolean => quote!(bool),
            ShapeKind::Byte => quote!(i8),
            ShapeKind::Short => quote!(i16),
            ShapeKind::Integer | ShapeKind::IntEnum => quote!(i32),
            ShapeKind::Long => quote!(i64),
            ShapeKind::Float => quote!(f32),
            ShapeKind::Double => quote!(f64),
            ShapeKind::BigInteger | ShapeKind::BigDecimal => quote!(::simfra_model::BigNumber),
            ShapeKind::String => quote!(::std::string::String),
            ShapeKind::Timestamp => quote!(::simfra_model::Timestamp),
            ShapeKind::Document => quote!(::simfra_model::Document),
            ShapeKind::List => {
                let m = &s.members[0];
                let inner = self.rust_type(m.target);
                if s.flags & shape_flags::SPARSE != 0 {
                    quote!(::std::vec::Vec<::std::option::Option<#inner>>)
                } else {
                    quote!(::std::vec::Vec<#inner>)
                }
            }
            ShapeKind::Map => {
                let v = &s.members[1];
                let inner = self.rust_type(v.target);
                if s.flags & shape_flags::SPARSE != 0 {
                    quote!(::std::collections::HashMap<::std::string::String, ::std::option::Option<#inner>>)
                } else {
                    quote!(::std::collections::HashMap<::std::string::String, #inner>)
                }
            }
            ShapeKind::Structure | ShapeKind::Union | ShapeKind::Enum => {
                if is_unit(self.schema, id) {
                    quote!(())
                } else {
                    let n = self.type_name(id);
                    quote!(#n)
                }
            }
        }
    }
}

/// Struct/union members that close a cycle of struct/union containment need a
/// `Box`: those whose target is in the same strongly connected component.
fn recursive_edges(schema: &ServiceSchema) -> HashSet<(ShapeId, usize)> {
    let n = schema.shapes.len();
    let edges: Vec<Vec<usize>> = schema
        .shapes
        .iter()
        .map(|s| {
            if matches!(s.kind, ShapeKind::Structure | ShapeKind::Union) {
                s.members
                    .iter()
                    .map(|m| m.target as usize)
                    .filter(|t| matches!(schema.shapes[*t].kind, ShapeKind::Structure | ShapeKind::Union))
                    .collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    // Tarjan's algorithm, iterative.
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut ncomp = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei < edges[v].len() {
                let w = edges[v][*ei];
                *ei += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    loop {
                        let w = stack.pop().unwrap();
                        on_stack[w] = false;
                        comp[w] = ncomp;
                        if w == v {
                            break;
                        }
                    }
                    ncomp += 1;
                }
            }
        }
    }
    let mut boxed = HashSet::new();
    for (v, targets) in edges.iter().enumerate() {
        let s = &schema.shapes[v];
        for (mi, m) in s.members.iter().enumerate() {
            let t = m.target as usize;
            if targets.contains(&t) && comp[t] == comp[v] {
                boxed.insert((v as ShapeId, mi));
            }
        }
    }
    boxed
}

fn reachable(schema: &ServiceSchema, roots: Vec<ShapeId>) -> BTreeSet<ShapeId> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(schema.shape(id).members.iter().map(|m| m.target));
        }
    }
    seen
}

// ---------------------------------------------------------------------------
// schema.rs: static data, written as text (it is data, not code).

fn opt_str(v: Option<&str>) -> String {
    match v {
        Some(s) => format!("Some({s:?})"),
        None => "None".into(),
    }
}

fn opt_f64(v: Option<f64>) -> String {
    match v {
        Some(f) => format!("Some({f:?})"),
        None => "None".into(),
    }
}

fn constraints_lit(c: &Constraints) -> String {
    if c.is_empty() {
        return "Constraints::NONE".into();
    }
    format!(
        "Constraints {{ length_min: {:?}, length_max: {:?}, range_min: {}, range_max: {}, pattern: {}, unique_items: {} }}",
        c.length_min,
        c.length_max,
        opt_f64(c.range_min),
        opt_f64(c.range_max),
        opt_str(c.pattern),
        c.unique_items
    )
}

fn ns_lit(ns: Option<(&str, Option<&str>)>) -> String {
    match ns {
        Some((uri, prefix)) => format!("Some(({uri:?}, {}))", opt_str(prefix)),
        None => "None".into(),
    }
}

fn tsf_lit(t: Option<TimestampFormat>) -> String {
    match t {
        Some(t) => format!("Some(TimestampFormat::{t:?})"),
        None => "None".into(),
    }
}

fn location_lit(l: &Location) -> String {
    match l {
        Location::Body => "Location::Body".into(),
        Location::Header(h) => format!("Location::Header({h:?})"),
        Location::PrefixHeaders(p) => format!("Location::PrefixHeaders({p:?})"),
        Location::Query(q) => format!("Location::Query({q:?})"),
        Location::QueryParams => "Location::QueryParams".into(),
        Location::Label => "Location::Label".into(),
        Location::Payload => "Location::Payload".into(),
        Location::ResponseCode => "Location::ResponseCode".into(),
    }
}

fn member_lit(m: &Member) -> String {
    let mut s = format!("Member {{ name: {:?}, target: {}", m.name, m.target);
    if m.location != Location::Body {
        write!(s, ", location: {}", location_lit(&m.location)).unwrap();
    }
    if m.flags != 0 {
        write!(s, ", flags: {}", m.flags).unwrap();
    }
    if m.json_name.is_some() {
        write!(s, ", json_name: {}", opt_str(m.json_name)).unwrap();
    }
    if m.xml_name.is_some() {
        write!(s, ", xml_name: {}", opt_str(m.xml_name)).unwrap();
    }
    if m.xml_namespace.is_some() {
        write!(s, ", xml_namespace: {}", ns_lit(m.xml_namespace)).unwrap();
    }
    if m.ec2_query_name.is_some() {
        write!(s, ", ec2_query_name: {}", opt_str(m.ec2_query_name)).unwrap();
    }
    if m.timestamp_format.is_some() {
        write!(s, ", timestamp_format: {}", tsf_lit(m.timestamp_format)).unwrap();
    }
    if !m.constraints.is_empty() {
        write!(s, ", constraints: {}", constraints_lit(&m.constraints)).unwrap();
    }
    if m.default.is_some() {
        write!(s, ", default: {}", opt_str(m.default)).unwrap();
    }
    s.push_str(", ..Member::DEFAULT }");
    s
}

fn shape_lit(s: &Shape) -> String {
    let mut out = format!("Shape {{ name: {:?}, kind: ShapeKind::{:?}", s.name, s.kind);
    if s.flags != 0 {
        write!(out, ", flags: {}", s.flags).unwrap();
    }
    if !s.members.is_empty() {
        out.push_str(", members: &[");
        for (i, m) in s.members.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&member_lit(m));
        }
        out.push(']');
    }
    if !s.enum_values.is_empty() {
        write!(out, ", enum_values: &{:?}", s.enum_values).unwrap();
    }
    if !s.constraints.is_empty() {
        write!(out, ", constraints: {}", constraints_lit(&s.constraints)).unwrap();
    }
    if s.xml_name.is_some() {
        write!(out, ", xml_name: {}", opt_str(s.xml_name)).unwrap();
    }
    if s.xml_namespace.is_some() {
        write!(out, ", xml_namespace: {}", ns_lit(s.xml_namespace)).unwrap();
    }
    if s.timestamp_format.is_some() {
        write!(out, ", timestamp_format: {}", tsf_lit(s.timestamp_format)).unwrap();
    }
    if s.http_error != 0 {
        write!(out, ", http_error: {}", s.http_error).unwrap();
    }
    if let Some((code, status)) = s.query_error {
        write!(out, ", query_error: Some(({code:?}, {status}))").unwrap();
    }
    if s.media_type.is_some() {
        write!(out, ", media_type: {}", opt_str(s.media_type)).unwrap();
    }
    out.push_str(", ..Shape::DEFAULT }");
    out
}

fn segment_lit(s: &UriSegment) -> String {
    match s {
        UriSegment::Literal(l) => format!("UriSegment::Literal({l:?})"),
        UriSegment::Label(l) => format!("UriSegment::Label({l:?})"),
        UriSegment::Greedy(l) => format!("UriSegment::Greedy({l:?})"),
    }
}

fn operation_lit(op: &Operation) -> String {
    let http = match &op.http {
        Some(h) => format!(
            "Some(HttpBinding {{ method: {:?}, uri: {:?}, path: &[{}], query_literals: &[{}], code: {} }})",
            h.method,
            h.uri,
            h.path.iter().map(segment_lit).collect::<Vec<_>>().join(", "),
            h.query_literals.iter().map(|(k, v)| format!("({k:?}, {})", opt_str(*v))).collect::<Vec<_>>().join(", "),
            h.code
        ),
        None => "None".into(),
    };
    let paginated = match &op.paginated {
        Some(p) => format!(
            "Some(Paginated {{ input_token: {}, output_token: {}, items: {}, page_size: {} }})",
            opt_str(p.input_token),
            opt_str(p.output_token),
            opt_str(p.items),
            opt_str(p.page_size)
        ),
        None => "None".into(),
    };
    format!(
        "    Operation {{ name: {:?}, input: {}, output: {}, errors: &{:?}, http: {}, flags: {}, host_prefix: {}, paginated: {} }},\n",
        op.name,
        op.input,
        op.output,
        op.errors,
        http,
        op.flags,
        opt_str(op.host_prefix),
        paginated
    )
}

fn emit_schema(schema: &ServiceSchema, header: &str) -> String {
    let mut out = String::with_capacity(schema.shapes.len() * 200);
    out.push_str(header);
    out.push_str("#![allow(clippy::all)]\nuse simfra_model::schema::*;\n\n");
    writeln!(out, "pub static SHAPES: [Shape; {}] = [", schema.shapes.len()).unwrap();
    for (i, s) in schema.shapes.iter().enumerate() {
        writeln!(out, "    /* {i} */ {},", shape_lit(s)).unwrap();
    }
    out.push_str("];\n\n");
    writeln!(out, "pub static OPERATIONS: [Operation; {}] = [", schema.operations.len()).unwrap();
    for op in schema.operations {
        out.push_str(&operation_lit(op));
    }
    out.push_str("];\n\n");
    writeln!(
        out,
        "pub static SCHEMA: ServiceSchema = ServiceSchema {{\n    name: {:?},\n    namespace: {:?},\n    shape_name: {:?},\n    sdk_id: {:?},\n    version: {:?},\n    signing_name: {:?},\n    endpoint_prefix: {:?},\n    arn_namespace: {:?},\n    cloudtrail_source: {:?},\n    protocol: Protocol::{:?},\n    query_compatible: {},\n    xml_namespace: {},\n    shapes: &SHAPES,\n    operations: &OPERATIONS,\n    errors: &{:?},\n}};",
        schema.name,
        schema.namespace,
        schema.shape_name,
        schema.sdk_id,
        schema.version,
        schema.signing_name,
        schema.endpoint_prefix,
        schema.arn_namespace,
        schema.cloudtrail_source,
        schema.protocol,
        schema.query_compatible,
        opt_str(schema.xml_namespace),
        schema.errors
    )
    .unwrap();
    out
}

// ---------------------------------------------------------------------------
// types.rs

fn emit_types(names: &Names) -> TokenStream {
    let schema = names.schema;
    let mut items = TokenStream::new();
    for (&id, tname) in &names.type_names {
        let s = schema.shape(id);
        let tname = ident(tname);
        let from = names.from_side.contains(&id);
        let to = names.to_side.contains(&id);
        let doc = format!("Smithy shape `{}` ({:?}).", s.name, s.kind);
        match s.kind {
            ShapeKind::Enum => items.extend(emit_enum(&tname, s, &doc)),
            ShapeKind::Structure => items.extend(emit_struct(names, id, &tname, &doc, from, to)),
            ShapeKind::Union => items.extend(emit_union(names, id, &tname, &doc, from, to)),
            _ => unreachable!(),
        }
    }
    items
}

fn emit_enum(tname: &Ident, s: &Shape, doc: &str) -> TokenStream {
    let mut used: HashSet<String> = ["Unknown".to_string()].into_iter().collect();
    let variants: Vec<Ident> =
        s.enum_values.iter().map(|v| ident(&unique(type_ident_base(&v.replace(['.', ':', '/', ' ', '*'], "_")), &mut used))).collect();
    let values: Vec<Literal> = s.enum_values.iter().map(|v| Literal::string(v)).collect();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #tname {
            #(#[doc = #values] #variants,)*
            /// A value this model version does not know.
            Unknown(::std::string::String),
        }
        impl #tname {
            /// Every value the model defines.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(s) => s.as_str(),
                }
            }
        }
        impl ::std::default::Default for #tname {
            fn default() -> Self { Self::Unknown(::std::string::String::new()) }
        }
        impl ::std::convert::From<&str> for #tname {
            fn from(s: &str) -> Self {
                match s {
                    #(#values => Self::#variants,)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }
        impl ::std::fmt::Display for #tname {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(self.as_str()) }
        }
        impl ::simfra_model::FromValue for #tname {
            fn from_value(v: ::simfra_model::Value) -> ::std::result::Result<Self, ::simfra_model::ConvertError> {
                match v {
                    ::simfra_model::Value::String(s) => ::std::result::Result::Ok(Self::from(s.as_str())),
                    other => ::std::result::Result::Err(::simfra_model::ConvertError::expected("an enum string", &other)),
                }
            }
        }
        impl ::simfra_model::ToValue for #tname {
            fn to_value(self) -> ::simfra_model::Value {
                match self {
                    Self::Unknown(s) => ::simfra_model::Value::String(s),
                    known => ::simfra_model::Value::String(known.as_str().to_string()),
                }
            }
        }
    }
}

fn field_type(names: &Names, owner: ShapeId, mi: usize, m: &Member) -> TokenStream {
    let t = names.rust_type(m.target);
    if names.boxed.contains(&(owner, mi)) {
        quote!(::std::boxed::Box<#t>)
    } else {
        t
    }
}

fn emit_struct(names: &Names, id: ShapeId, tname: &Ident, doc: &str, from: bool, to: bool) -> TokenStream {
    let s = names.schema.shape(id);
    let fields: Vec<Ident> = names.field_names[&id].iter().map(|f| ident(f)).collect();
    let types: Vec<TokenStream> = s
        .members
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            let t = field_type(names, id, mi, m);
            if m.is_required() {
                t
            } else {
                quote!(::std::option::Option<#t>)
            }
        })
        .collect();
    let member_docs: Vec<String> = s.members.iter().map(|m| format!("`{}`", m.name)).collect();
    let mut out = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #tname {
            #(#[doc = #member_docs] pub #fields: #types,)*
        }
    };
    let sname = s.name;
    if from {
        let idx: Vec<Literal> = (0..s.members.len()).map(|i| Literal::u16_unsuffixed(i as u16)).collect();
        let inits: Vec<TokenStream> = s
            .members
            .iter()
            .zip(&fields)
            .map(|(m, f)| {
                if m.is_required() {
                    let n = m.name;
                    quote!(#f: ::simfra_model::convert::required(#f, #n)?)
                } else {
                    quote!(#f)
                }
            })
            .collect();
        let binding = if s.members.is_empty() { quote!(_v) } else { quote!(v) };
        let body = if s.members.is_empty() {
            quote! { ::simfra_model::convert::struct_fields(#binding, #sname)?; }
        } else {
            quote! {
                #(let mut #fields = ::std::option::Option::None;)*
                for (i, v) in ::simfra_model::convert::struct_fields(v, #sname)? {
                    match i {
                        #(#idx => #fields = ::simfra_model::FromValue::from_value(v)?,)*
                        _ => {}
                    }
                }
            }
        };
        out.extend(quote! {
            impl ::simfra_model::FromValue for #tname {
                fn from_value(#binding: ::simfra_model::Value) -> ::std::result::Result<Self, ::simfra_model::ConvertError> {
                    #body
                    ::std::result::Result::Ok(Self { #(#inits,)* })
                }
            }
        });
    }
    if to {
        let n = Literal::usize_unsuffixed(s.members.len());
        let idx: Vec<Literal> = (0..s.members.len()).map(|i| Literal::u16_unsuffixed(i as u16)).collect();
        out.extend(quote! {
            impl ::simfra_model::ToValue for #tname {
                fn to_value(self) -> ::simfra_model::Value {
                    let mut b = ::simfra_model::convert::StructBuilder::with_capacity(#n);
                    #(b.field(#idx, ::simfra_model::ToValue::to_value(self.#fields));)*
                    b.build()
                }
            }
        });
    }
    out
}

fn emit_union(names: &Names, id: ShapeId, tname: &Ident, doc: &str, from: bool, to: bool) -> TokenStream {
    let s = names.schema.shape(id);
    let variants: Vec<Ident> = names.field_names[&id].iter().map(|f| ident(f)).collect();
    let unit: Vec<bool> = s.members.iter().map(|m| is_unit(names.schema, m.target)).collect();
    let decls: Vec<TokenStream> = s
        .members
        .iter()
        .enumerate()
        .zip(&variants)
        .map(|((mi, m), v)| {
            if unit[mi] {
                quote!(#v)
            } else {
                let t = field_type(names, id, mi, m);
                quote!(#v(#t))
            }
        })
        .collect();
    let mut out = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default)]
        pub enum #tname {
            #(#decls,)*
            /// A member this model version does not know.
            #[default]
            Unknown,
        }
    };
    let sname = s.name;
    if from {
        let arms: Vec<TokenStream> = variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let idx = Literal::u16_unsuffixed(i as u16);
                if unit[i] {
                    quote!(#idx => Self::#v)
                } else {
                    quote!(#idx => Self::#v(::simfra_model::FromValue::from_value(v)?))
                }
            })
            .collect();
        out.extend(quote! {
            impl ::simfra_model::FromValue for #tname {
                fn from_value(v: ::simfra_model::Value) -> ::std::result::Result<Self, ::simfra_model::ConvertError> {
                    let mut fields = ::simfra_model::convert::struct_fields(v, #sname)?;
                    let ::std::option::Option::Some((i, v)) = fields.pop() else {
                        return ::std::result::Result::Ok(Self::Unknown);
                    };
                    let _ = &v;
                    ::std::result::Result::Ok(match i {
                        #(#arms,)*
                        _ => Self::Unknown,
                    })
                }
            }
        });
    }
    if to {
        let arms: Vec<TokenStream> = variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let idx = Literal::u16_unsuffixed(i as u16);
                if unit[i] {
                    quote!(Self::#v => ::simfra_model::Value::Struct(::std::vec![(#idx, ::simfra_model::Value::empty_struct())]))
                } else {
                    quote!(Self::#v(x) => ::simfra_model::Value::Struct(::std::vec![(#idx, ::simfra_model::ToValue::to_value(x))]))
                }
            })
            .collect();
        out.extend(quote! {
            impl ::simfra_model::ToValue for #tname {
                fn to_value(self) -> ::simfra_model::Value {
                    match self {
                        #(#arms,)*
                        Self::Unknown => ::simfra_model::Value::empty_struct(),
                    }
                }
            }
        });
    }
    out
}

// ---------------------------------------------------------------------------
// api.rs

fn emit_api(names: &Names, service: &str) -> TokenStream {
    let schema = names.schema;
    let trait_name = format_ident!("{}", api_trait_name(service));
    let mut used_methods = HashSet::new();
    let mut used_errors: HashSet<String> = names.type_names.values().cloned().collect();
    let mut methods = Vec::new();
    let mut error_items = TokenStream::new();
    let mut arms = Vec::new();
    for (i, op) in schema.operations.iter().enumerate() {
        let method = ident(&unique(op.name.to_snake_case(), &mut used_methods));
        let input = names.rust_type(op.input);
        let output = names.rust_type(op.output);
        let err_name = ident(&unique(format!("{}Error", type_ident_base(op.name)), &mut used_errors));
        let op_name = op.name;
        let doc = format!("Operation `{}`.", op.name);
        let variants: Vec<Ident> = op.errors.iter().map(|e| names.type_name(*e)).collect();
        let shape_ids: Vec<Literal> = op.errors.iter().map(|e| Literal::u32_unsuffixed(*e)).collect();
        let err_doc = format!("Errors of `{}`: the modeled ones, or any other service error.", op.name);
        error_items.extend(quote! {
            #[doc = #err_doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #err_name {
                #(#variants(#variants),)*
                Other(::simfra_model::ServiceError),
            }
            impl ::std::convert::From<::simfra_model::ServiceError> for #err_name {
                fn from(e: ::simfra_model::ServiceError) -> Self { Self::Other(e) }
            }
            #(impl ::std::convert::From<#variants> for #err_name {
                fn from(e: #variants) -> Self { Self::#variants(e) }
            })*
            impl ::std::convert::From<#err_name> for ::simfra_model::ServiceError {
                fn from(e: #err_name) -> Self {
                    match e {
                        #(#err_name::#variants(e) => ::simfra_model::ServiceError::from_shape(
                            &crate::SCHEMA, #shape_ids, ::simfra_model::ToValue::to_value(e)),)*
                        #err_name::Other(e) => e,
                    }
                }
            }
        });
        methods.push(quote! {
            #[doc = #doc]
            async fn #method(&self, ctx: &::simfra_model::RequestContext, input: #input) -> ::std::result::Result<#output, #err_name> {
                let _ = (ctx, input);
                ::std::result::Result::Err(::simfra_model::ServiceError::not_implemented(SERVICE_NAME, #op_name).into())
            }
        });
        let idx = Literal::usize_unsuffixed(i);
        arms.push(quote! {
            #idx => ::std::boxed::Box::pin(async move {
                let input = ::simfra_model::FromValue::from_value(input)?;
                api.#method(ctx, input).await.map(::simfra_model::ToValue::to_value).map_err(::std::convert::Into::into)
            })
        });
    }
    // Error shapes that no operation names still convert into a service error.
    let lone_errors: Vec<(Ident, Literal)> = names
        .type_names
        .keys()
        .filter(|id| schema.shape(**id).is_error())
        .map(|id| (names.type_name(*id), Literal::u32_unsuffixed(*id)))
        .collect();
    let (lone_types, lone_ids): (Vec<Ident>, Vec<Literal>) = lone_errors.into_iter().unzip();
    let trait_doc = format!(
        "The operations of `{}`. Every method answers \"not implemented\" (HTTP 501) until a service overrides it.",
        schema.sdk_id
    );
    quote! {
        use crate::types::*;

        /// Simfra's name for this service.
        pub const SERVICE_NAME: &str = #service;

        #error_items

        #(impl ::std::convert::From<#lone_types> for ::simfra_model::ServiceError {
            fn from(e: #lone_types) -> Self {
                ::simfra_model::ServiceError::from_shape(&crate::SCHEMA, #lone_ids, ::simfra_model::ToValue::to_value(e))
            }
        })*

        #[doc = #trait_doc]
        #[::simfra_model::async_trait]
        pub trait #trait_name: ::std::marker::Send + ::std::marker::Sync + 'static {
            /// Names of the operations this implementation serves by hand.
            fn implemented(&self) -> &'static [&'static str] { &[] }
            #(#methods)*
        }

        struct Dispatcher(::std::sync::Arc<dyn #trait_name>);

        impl ::simfra_model::ServiceHandler for Dispatcher {
            fn schema(&self) -> &'static ::simfra_model::ServiceSchema { &crate::SCHEMA }
            fn implemented(&self) -> &'static [&'static str] { self.0.implemented() }
            fn call<'a>(
                &'a self,
                ctx: &'a ::simfra_model::RequestContext,
                op: usize,
                input: ::simfra_model::Value,
            ) -> ::simfra_model::BoxFuture<'a, ::std::result::Result<::simfra_model::Value, ::simfra_model::ServiceError>> {
                let api = &*self.0;
                match op {
                    #(#arms,)*
                    _ => ::std::boxed::Box::pin(async move {
                        let _ = (api, ctx, input);
                        ::std::result::Result::Err(::simfra_model::ServiceError::internal("operation index out of range"))
                    }),
                }
            }
        }

        /// The service with no hand-written behaviour: every operation answers 501.
        pub struct NotImplemented;
        impl #trait_name for NotImplemented {}

        /// The gateway's view of an implementation of this service.
        pub fn handler(api: ::std::sync::Arc<dyn #trait_name>) -> ::simfra_model::SharedHandler {
            ::std::sync::Arc::new(Dispatcher(api))
        }
    }
}

fn pretty(tokens: TokenStream, header: &str) -> String {
    let file: syn::File = syn::parse2(tokens).expect("generated code parses");
    format!("{header}{}", prettyplease::unparse(&file))
}

pub fn generate_crate(schema: &ServiceSchema, origin: &Origin) -> GeneratedCrate {
    let service = schema.name;
    let header = format!(
        "// Generated by simfra-codegen from {} (sha256 {}). Do not edit: run `make generate`.\n",
        origin.model_path, origin.sha256
    );
    let names = Names::new(schema);
    let lib = format!(
        "{header}//! Generated types, schema and operation trait of the `{service}` service ({}).\n\
         #![allow(clippy::all, clippy::pedantic, non_camel_case_types, unused_variables, unused_mut, unreachable_patterns)]\n\n\
         mod api;\nmod schema;\npub mod types;\n\npub use api::*;\npub use schema::SCHEMA;\n",
        schema.sdk_id
    );
    let types = pretty(emit_types(&names), &header);
    let api = pretty(emit_api(&names, service), &header);
    let cargo = format!(
        "# Generated by simfra-codegen. Do not edit.\n[package]\nname = \"{}\"\ndescription = \"Generated shapes, schema and operation trait of {}\"\nedition.workspace = true\nversion.workspace = true\nlicense.workspace = true\n\n[lib]\nname = \"{}\"\n\n[dependencies]\nsimfra-model.workspace = true\n",
        crate_package(service),
        schema.sdk_id,
        crate_lib_name(service)
    );
    GeneratedCrate {
        package: crate_package(service),
        files: vec![
            ("Cargo.toml".into(), cargo),
            ("src/lib.rs".into(), lib),
            ("src/schema.rs".into(), emit_schema(schema, &header)),
            ("src/types.rs".into(), types),
            ("src/api.rs".into(), api),
        ],
    }
}
