//! XML Signature verification for enveloped signatures, as SAML uses them
//! (SAML 2.0 core §5.4): a `ds:Signature` inside the element it signs, one
//! `Reference` to that element's `ID`, the enveloped-signature transform
//! and a canonicalization, RSA PKCS#1 v1.5 over the canonical `SignedInfo`.
//!
//! Only keys the verifier trusts (an IdP's metadata certificates) are tried;
//! `KeyInfo` in the signature itself is ignored, so a response signed by any
//! other key fails. The signed element is returned as a node of the parsed
//! document, so that callers read claims from exactly what was digested and
//! not from a look-alike elsewhere (signature wrapping): the reference must
//! name the signature's own parent, and the ID it names must be unique.

use crate::c14n::{self, Method};
use crate::xml::{Document, NodeId};
use base64::Engine;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, PublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Why a signature does not verify.
#[derive(Debug, Clone, PartialEq)]
pub struct DsigError(pub String);

fn fail(message: impl Into<String>) -> DsigError {
    DsigError(message.into())
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest_method(uri: &str) -> Option<Hash> {
        match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => Some(Hash::Sha1),
            "http://www.w3.org/2001/04/xmlenc#sha256" => Some(Hash::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(Hash::Sha384),
            "http://www.w3.org/2001/04/xmlenc#sha512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    fn rsa_signature_method(uri: &str) -> Option<Hash> {
        match uri {
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => Some(Hash::Sha1),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => Some(Hash::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => Some(Hash::Sha384),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => Sha1::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn pkcs1v15(self) -> Pkcs1v15Sign {
        match self {
            Hash::Sha1 => Pkcs1v15Sign::new::<Sha1>(),
            Hash::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            Hash::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
            Hash::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
        }
    }
}

/// Base64 as XML carries it: with line breaks and indentation.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).ok()
}

/// The canonicalization an element with an `Algorithm` attribute names,
/// with the PrefixList of its `ec:InclusiveNamespaces` child, if any.
fn method_of(doc: &Document, element: NodeId) -> Result<Method, DsigError> {
    let uri = doc.attr(element, "Algorithm").ok_or_else(|| fail("a canonicalization method names no algorithm"))?;
    let prefixes = doc.child(element, EXC_C14N_NS, "InclusiveNamespaces").and_then(|n| doc.attr(n, "PrefixList"));
    Method::from_algorithm(uri, prefixes).ok_or_else(|| fail(format!("unsupported canonicalization {uri}")))
}

/// The elements whose `ID` (or `Id`, `id`) attribute is `id`.
fn elements_with_id(doc: &Document, id: &str) -> Vec<NodeId> {
    std::iter::once(doc.root)
        .chain(doc.descendants(doc.root))
        .filter(|&n| ["ID", "Id", "id"].iter().any(|a| doc.attr(n, a) == Some(id)))
        .collect()
}

/// Verifies the enveloped signature `signature` (a `ds:Signature` element)
/// with one of `keys`, and answers the element it signs (its parent).
pub fn verify_enveloped(doc: &Document, signature: NodeId, keys: &[PublicKey]) -> Result<NodeId, DsigError> {
    if !doc.is(signature, DSIG_NS, "Signature") {
        return Err(fail("not a ds:Signature element"));
    }
    let signed = doc.node(signature).parent.ok_or_else(|| fail("the signature is not inside the element it signs"))?;
    let signed_info = doc.child(signature, DSIG_NS, "SignedInfo").ok_or_else(|| fail("the signature has no SignedInfo"))?;
    let signature_value = doc.child(signature, DSIG_NS, "SignatureValue").ok_or_else(|| fail("the signature has no SignatureValue"))?;

    // One reference, naming the element the signature sits in by its unique ID.
    let references: Vec<NodeId> = doc.children_named(signed_info, DSIG_NS, "Reference").collect();
    let [reference] = references[..] else {
        return Err(fail("the signature must have exactly one Reference"));
    };
    let uri = doc.attr(reference, "URI").unwrap_or("");
    let target = uri.strip_prefix('#').filter(|t| !t.is_empty()).ok_or_else(|| fail(format!("unsupported Reference URI '{uri}'")))?;
    match elements_with_id(doc, target)[..] {
        [only] if only == signed => {}
        [_] => return Err(fail("the Reference does not name the element the signature is in")),
        [] => return Err(fail(format!("no element has the ID {target}"))),
        _ => return Err(fail(format!("more than one element has the ID {target}"))),
    }

    // Transforms: the enveloped signature, then a canonicalization. Without
    // one, XML-DSig's default (inclusive Canonical XML) applies.
    let mut enveloped = false;
    let mut method: Option<Method> = None;
    if let Some(transforms) = doc.child(reference, DSIG_NS, "Transforms") {
        for t in doc.children_named(transforms, DSIG_NS, "Transform") {
            let alg = doc.attr(t, "Algorithm").unwrap_or("");
            if alg == ENVELOPED && !enveloped && method.is_none() {
                enveloped = true;
            } else if method.is_none() {
                method = Some(method_of(doc, t)?);
            } else {
                return Err(fail(format!("unsupported transform {alg}")));
            }
        }
    }
    let mut method = method.unwrap_or_default();
    // A bare-name reference (`#id`) selects the element without its comments.
    method.with_comments = false;
    let canonical = c14n::canonicalize(doc, signed, enveloped.then_some(signature), &method).map_err(|e| fail(e.0))?;

    let digest_method = doc.child(reference, DSIG_NS, "DigestMethod").and_then(|d| doc.attr(d, "Algorithm")).unwrap_or("");
    let hash = Hash::digest_method(digest_method).ok_or_else(|| fail(format!("unsupported digest method '{digest_method}'")))?;
    let expected = doc
        .child(reference, DSIG_NS, "DigestValue")
        .and_then(|d| decode_base64(&doc.text(d)))
        .ok_or_else(|| fail("the Reference has no readable DigestValue"))?;
    if hash.digest(canonical.as_bytes()) != expected {
        return Err(fail("the digest of the signed element does not match"));
    }

    // The signature over the canonical SignedInfo.
    let c14n_method = doc.child(signed_info, DSIG_NS, "CanonicalizationMethod").ok_or_else(|| fail("SignedInfo has no CanonicalizationMethod"))?;
    let info_method = method_of(doc, c14n_method)?;
    let info = c14n::canonicalize(doc, signed_info, None, &info_method).map_err(|e| fail(e.0))?;
    let signature_method = doc.child(signed_info, DSIG_NS, "SignatureMethod").and_then(|d| doc.attr(d, "Algorithm")).unwrap_or("");
    let sig_hash = Hash::rsa_signature_method(signature_method).ok_or_else(|| fail(format!("unsupported signature method '{signature_method}'")))?;
    let value = decode_base64(&doc.text(signature_value)).ok_or_else(|| fail("the SignatureValue is not base64"))?;
    let hashed = sig_hash.digest(info.as_bytes());
    if keys.iter().any(|k| k.verify(sig_hash.pkcs1v15(), &hashed, &value).is_ok()) {
        Ok(signed)
    } else {
        Err(fail("the signature value does not verify with the provider's certificates"))
    }
}

/// One DER element: its tag, its content and the whole encoding; and what follows it.
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    whole: &'a [u8],
    rest: &'a [u8],
}

fn read_tlv(input: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, after_tag) = input.split_first()?;
    let (&first, after_len) = after_tag.split_first()?;
    let (len, header) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || after_len.len() < n {
            return None;
        }
        (after_len[..n].iter().fold(0usize, |acc, &b| (acc << 8) | b as usize), 2 + n)
    };
    let end = header.checked_add(len)?;
    if input.len() < end {
        return None;
    }
    Some(Tlv { tag, content: &input[header..end], whole: &input[..end], rest: &input[end..] })
}

/// The RSA public key of an X.509 certificate (DER): a walk to the
/// SubjectPublicKeyInfo of its TBSCertificate (RFC 5280 §4.1).
pub fn certificate_public_key(der: &[u8]) -> Result<PublicKey, DsigError> {
    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const VERSION: u8 = 0xa0;
    let bad = || fail("the certificate is not a readable X.509 certificate");
    let cert = read_tlv(der).filter(|t| t.tag == SEQUENCE).ok_or_else(bad)?;
    let tbs = read_tlv(cert.content).filter(|t| t.tag == SEQUENCE).ok_or_else(bad)?;
    let mut field = read_tlv(tbs.content).ok_or_else(bad)?;
    if field.tag == VERSION {
        field = read_tlv(field.rest).ok_or_else(bad)?;
    }
    if field.tag != INTEGER {
        return Err(bad());
    }
    // signature algorithm, issuer, validity, subject, then the key.
    let mut rest = field.rest;
    for _ in 0..4 {
        let next = read_tlv(rest).filter(|t| t.tag == SEQUENCE).ok_or_else(bad)?;
        rest = next.rest;
    }
    let spki = read_tlv(rest).filter(|t| t.tag == SEQUENCE).ok_or_else(bad)?;
    PublicKey::from_public_key_der(spki.whole).map_err(|_| fail("the certificate's key is not an RSA key"))
}
