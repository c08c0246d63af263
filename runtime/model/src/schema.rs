//! The static description of a service that codecs, validation, routing and the
//! resource engine are driven by. `generated/` emits one `ServiceSchema` per
//! service as plain static data; the protocol-test runner builds the same types
//! at run time from the test models. Shapes refer to each other by index into
//! `ServiceSchema::shapes`, so a schema can be built statically or dynamically.

/// Index of a shape in `ServiceSchema::shapes`.
pub type ShapeId = u32;

/// The wire protocols Simfra speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
    RpcV2Cbor,
    AwsQuery,
    Ec2Query,
    RestJson1,
    RestXml,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "awsJson1_0",
            Protocol::AwsJson1_1 => "awsJson1_1",
            Protocol::RpcV2Cbor => "rpcv2Cbor",
            Protocol::AwsQuery => "awsQuery",
            Protocol::Ec2Query => "ec2Query",
            Protocol::RestJson1 => "restJson1",
            Protocol::RestXml => "restXml",
        }
    }

    /// RPC protocols route on the operation name alone (no URI patterns); every
    /// RPC-style service accepts all of the RPC request forms.
    pub fn is_rpc(self) -> bool {
        !matches!(self, Protocol::RestJson1 | Protocol::RestXml)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeKind {
    Blob,
    Boolean,
    String,
    Enum,
    Timestamp,
    Byte,
    Short,
    Integer,
    IntEnum,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Document,
    List,
    Map,
    Structure,
    Union,
}

impl ShapeKind {
    pub fn is_aggregate(self) -> bool {
        matches!(self, ShapeKind::List | ShapeKind::Map | ShapeKind::Structure | ShapeKind::Union)
    }
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::IntEnum | ShapeKind::Long
        )
    }
    pub fn is_number(self) -> bool {
        self.is_integer()
            || matches!(self, ShapeKind::Float | ShapeKind::Double | ShapeKind::BigInteger | ShapeKind::BigDecimal)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    DateTime,
    HttpDate,
    EpochSeconds,
}

/// Where an input or output member lives in an HTTP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the protocol's document body (the default).
    Body,
    Header(&'static str),
    /// `@httpPrefixHeaders`: a map member collecting headers with this prefix.
    PrefixHeaders(&'static str),
    Query(&'static str),
    /// `@httpQueryParams`: a map member collecting the remaining query parameters.
    QueryParams,
    /// `@httpLabel`: bound to the `{name}` label of the URI pattern.
    Label,
    /// `@httpPayload`: the member is the whole body.
    Payload,
    /// `@httpResponseCode`
    ResponseCode,
}

/// Validation constraints, merged from the member and its target shape
/// (a member's own trait wins).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Constraints {
    pub length_min: Option<u64>,
    pub length_max: Option<u64>,
    pub range_min: Option<f64>,
    pub range_max: Option<f64>,
    pub pattern: Option<&'static str>,
    pub unique_items: bool,
}

impl Constraints {
    pub const NONE: Constraints = Constraints {
        length_min: None,
        length_max: None,
        range_min: None,
        range_max: None,
        pattern: None,
        unique_items: false,
    };
    pub fn is_empty(&self) -> bool {
        *self == Constraints::NONE
    }
}

/// Bit flags of a member (kept as one word so the static tables stay small).
pub mod member_flags {
    pub const REQUIRED: u16 = 1 << 0;
    pub const XML_ATTRIBUTE: u16 = 1 << 1;
    pub const XML_FLATTENED: u16 = 1 << 2;
    pub const IDEMPOTENCY_TOKEN: u16 = 1 << 3;
    pub const HOST_LABEL: u16 = 1 << 4;
    pub const SENSITIVE: u16 = 1 << 5;
    pub const EVENT_PAYLOAD: u16 = 1 << 6;
    pub const EVENT_HEADER: u16 = 1 << 7;
    pub const HAS_DEFAULT: u16 = 1 << 8;
    pub const CLIENT_OPTIONAL: u16 = 1 << 9;
    /// The target list/map is `@sparse` (may hold nulls).
    pub const SPARSE: u16 = 1 << 10;
}

/// A member of a structure or union, or the `member`/`key`/`value` of a list or map.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    /// The member name in the model (`QueueUrl`).
    pub name: &'static str,
    pub target: ShapeId,
    pub location: Location,
    pub flags: u16,
    /// `@jsonName`
    pub json_name: Option<&'static str>,
    /// `@xmlName` (member or target)
    pub xml_name: Option<&'static str>,
    /// `@xmlNamespace` on the member: (uri, prefix)
    pub xml_namespace: Option<(&'static str, Option<&'static str>)>,
    /// `@aws.protocols#ec2QueryName`
    pub ec2_query_name: Option<&'static str>,
    /// `@timestampFormat` (member or target)
    pub timestamp_format: Option<TimestampFormat>,
    pub constraints: Constraints,
    /// `@default` value, as JSON text (`0`, `false`, `""`, `[]`, `{}`, `"ENUM"`).
    pub default: Option<&'static str>,
}

impl Member {
    /// Base for generated member literals (`Member { name, target, ..Member::DEFAULT }`).
    pub const DEFAULT: Member = Member {
        name: "",
        target: 0,
        location: Location::Body,
        flags: 0,
        json_name: None,
        xml_name: None,
        xml_namespace: None,
        ec2_query_name: None,
        timestamp_format: None,
        constraints: Constraints::NONE,
        default: None,
    };
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
    pub fn is_required(&self) -> bool {
        self.has(member_flags::REQUIRED)
    }
    pub fn json_name(&self) -> &'static str {
        self.json_name.unwrap_or(self.name)
    }
    pub fn xml_name(&self) -> &'static str {
        self.xml_name.unwrap_or(self.name)
    }
}

/// Bit flags of a shape.
pub mod shape_flags {
    pub const ERROR_CLIENT: u8 = 1 << 0;
    pub const ERROR_SERVER: u8 = 1 << 1;
    pub const STREAMING: u8 = 1 << 2;
    pub const SPARSE: u8 = 1 << 3;
    pub const SENSITIVE: u8 = 1 << 4;
    pub const MEDIA_TYPE: u8 = 1 << 5;
    /// A structure that is an operation's input or output (`@input`/`@output`
    /// or referenced as such).
    pub const IO: u8 = 1 << 6;
}

#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The shape name without namespace (`SendMessageRequest`).
    pub name: &'static str,
    pub kind: ShapeKind,
    pub flags: u8,
    /// Members of a structure/union; `[member]` of a list; `[key, value]` of a map.
    pub members: &'static [Member],
    /// Values of an enum (`"ACTIVE"`) or the decimal values of an intEnum.
    pub enum_values: &'static [&'static str],
    /// Shape-level constraints (a member's own merged copy is in `Member::constraints`).
    pub constraints: Constraints,
    pub xml_name: Option<&'static str>,
    pub xml_namespace: Option<(&'static str, Option<&'static str>)>,
    pub timestamp_format: Option<TimestampFormat>,
    /// For error structures: `@httpError` status code (0 when absent).
    pub http_error: u16,
    /// For error structures: `@awsQueryError` (code, status).
    pub query_error: Option<(&'static str, u16)>,
    /// `@mediaType` of a string/blob.
    pub media_type: Option<&'static str>,
}

impl Shape {
    /// Base for generated shape literals.
    pub const DEFAULT: Shape = Shape {
        name: "",
        kind: ShapeKind::Structure,
        flags: 0,
        members: &[],
        enum_values: &[],
        constraints: Constraints::NONE,
        xml_name: None,
        xml_namespace: None,
        timestamp_format: None,
        http_error: 0,
        query_error: None,
        media_type: None,
    };
    pub fn is_error(&self) -> bool {
        self.flags & (shape_flags::ERROR_CLIENT | shape_flags::ERROR_SERVER) != 0
    }
    pub fn is_streaming(&self) -> bool {
        self.flags & shape_flags::STREAMING != 0
    }
    pub fn member_index(&self, name: &str) -> Option<usize> {
        self.members.iter().position(|m| m.name == name)
    }
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// A segment of an `@http` URI pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriSegment {
    Literal(&'static str),
    Label(&'static str),
    /// `{Key+}`: matches one or more segments, slashes included.
    Greedy(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct HttpBinding {
    pub method: &'static str,
    /// The URI pattern as written in the model (`/{Bucket}/{Key+}?uploads`).
    pub uri: &'static str,
    pub path: &'static [UriSegment],
    /// Query literals that must be present: (`uploads`, None) or (`x-id`, Some(`GetObject`)).
    pub query_literals: &'static [(&'static str, Option<&'static str>)],
    /// `@http(code)`
    pub code: u16,
}

/// Bit flags of an operation.
pub mod op_flags {
    pub const READONLY: u8 = 1 << 0;
    pub const IDEMPOTENT: u8 = 1 << 1;
    pub const UNSIGNED_PAYLOAD: u8 = 1 << 2;
    pub const CHECKSUM_REQUIRED: u8 = 1 << 3;
    /// `@optionalAuth` or `@auth([])`: served without a signature.
    pub const OPTIONAL_AUTH: u8 = 1 << 4;
    pub const PAGINATED: u8 = 1 << 5;
}

#[derive(Debug, Clone, Copy)]
pub struct Paginated {
    pub input_token: Option<&'static str>,
    pub output_token: Option<&'static str>,
    pub items: Option<&'static str>,
    pub page_size: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub struct Operation {
    pub name: &'static str,
    /// Input structure (operations without input get an empty synthesized one).
    pub input: ShapeId,
    pub output: ShapeId,
    pub errors: &'static [ShapeId],
    pub http: Option<HttpBinding>,
    pub flags: u8,
    /// `@endpoint(hostPrefix)`
    pub host_prefix: Option<&'static str>,
    pub paginated: Option<Paginated>,
}

impl Operation {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ServiceSchema {
    /// Simfra's name for the service: the model folder (`sqs`, `s3-control`).
    pub name: &'static str,
    /// The service shape's namespace (`com.amazonaws.sqs`).
    pub namespace: &'static str,
    /// The service shape's name (`AmazonSQS`): the awsJson `X-Amz-Target` prefix
    /// and the rpcv2 `/service/{name}` path segment.
    pub shape_name: &'static str,
    pub sdk_id: &'static str,
    pub version: &'static str,
    pub signing_name: &'static str,
    pub endpoint_prefix: &'static str,
    pub arn_namespace: &'static str,
    pub cloudtrail_source: &'static str,
    /// The model's protocol (the first protocol trait on the service).
    pub protocol: Protocol,
    /// `@awsQueryCompatible`: JSON/CBOR errors carry `x-amzn-query-error`.
    pub query_compatible: bool,
    /// The service's `@xmlNamespace` (restXml, awsQuery, ec2Query).
    pub xml_namespace: Option<&'static str>,
    pub shapes: &'static [Shape],
    /// Sorted by name, so lookups can binary-search.
    pub operations: &'static [Operation],
    /// Error shapes bound on the service itself (common to every operation).
    pub errors: &'static [ShapeId],
}

impl ServiceSchema {
    pub fn shape(&self, id: ShapeId) -> &'static Shape {
        &self.shapes[id as usize]
    }
    pub fn operation(&self, name: &str) -> Option<(usize, &Operation)> {
        self.operations
            .binary_search_by(|op| op.name.cmp(name))
            .ok()
            .map(|i| (i, &self.operations[i]))
    }
    pub fn shape_by_name(&self, name: &str) -> Option<ShapeId> {
        self.shapes.iter().position(|s| s.name == name).map(|i| i as ShapeId)
    }
}
