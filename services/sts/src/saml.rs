//! SAML 2.0 for AssumeRoleWithSAML: the IdP's metadata (its entity ID and
//! signing certificates, as uploaded to the IAM SAML provider) and the
//! `samlp:Response` a caller presents, checked the way AWS checks it:
//!
//! - the Response or its one Assertion carries an enveloped XML signature
//!   that verifies with a certificate from the metadata (never one the
//!   response brings along); claims are read only from the assertion that
//!   was itself digested or that lies inside the digested Response;
//! - the issuer is the metadata's entity ID, the audience AWS sign-in, and
//!   the Conditions / SubjectConfirmationData times have not run out;
//! - the AWS attributes (`https://aws.amazon.com/SAML/Attributes/…`) name
//!   the role, the session and its tags.
//!
//! Encrypted assertions are not supported.

use crate::xml::{Document, NodeId};
use crate::xmldsig::{self, DSIG_NS};
use simfra_model::ServiceError;

const PROTOCOL_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const ASSERTION_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const METADATA_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
/// The prefix AWS strips from a NameID format to report the SubjectType.
const NAMEID_FORMAT_PREFIX: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
/// A NameID without a Format has this one (SAML core §8.3.1).
const UNSPECIFIED_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
/// Audiences AWS accepts: its sign-in endpoint (global or regional) or its URN.
const AWS_URN_AUDIENCE: &str = "urn:amazon:webservices";

pub const ROLE_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
pub const SESSION_NAME_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
pub const SESSION_DURATION_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
pub const PRINCIPAL_TAG_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:";
pub const TRANSITIVE_TAG_KEYS_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys";
pub const SOURCE_IDENTITY_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/SourceIdentity";

/// How far ahead of this clock an IdP's may run (a NotBefore slightly in the future).
const CLOCK_SKEW_SECS: i64 = 300;

/// SAML attributes that trust policies can test as `SAML:<key>` (IAM User
/// Guide, "Available keys for SAML-based federation"), by attribute name.
const ATTRIBUTE_CONDITION_KEYS: &[(&str, &str)] = &[
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "edupersonaffiliation"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.2", "edupersonnickname"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.3", "edupersonorgdn"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.4", "edupersonorgunitdn"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.5", "edupersonprimaryaffiliation"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "edupersonprincipalname"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "edupersonentitlement"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.8", "edupersonprimaryorgunitdn"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "edupersonscopedaffiliation"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "edupersontargetedid"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "edupersonassurance"),
    ("urn:oid:0.9.2342.19200300.100.1.1", "uid"),
    ("urn:oid:0.9.2342.19200300.100.1.3", "mail"),
    ("urn:oid:2.5.4.3", "cn"),
    ("urn:oid:2.5.4.4", "surname"),
    ("urn:oid:2.5.4.42", "givenName"),
    ("urn:oid:2.5.4.45", "x500UniqueIdentifier"),
];

pub fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidIdentityToken", 400, message)
}

fn expired(message: impl Into<String>) -> ServiceError {
    ServiceError::new("ExpiredTokenException", 400, message)
}

/// `xs:dateTime` (`2024-05-01T12:00:00Z`, fractions and offsets allowed) → Unix seconds.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let (y, mo, day) = (d.next()?.parse::<i64>().ok()?, d.next()?.parse::<u32>().ok()?, d.next()?.parse::<u32>().ok()?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&day) {
        return None;
    }
    // Split off the zone: Z, +hh:mm or -hh:mm (no zone reads as UTC).
    let (clock, offset) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (h, m) = time[i + 1..].split_once(':')?;
        let minutes = h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?;
        (&time[..i], if time.as_bytes()[i] == b'+' { minutes * 60 } else { -minutes * 60 })
    } else {
        (time, 0)
    };
    let mut t = clock.splitn(3, ':');
    let (h, mi) = (t.next()?.parse::<i64>().ok()?, t.next()?.parse::<i64>().ok()?);
    let sec = t.next()?.split('.').next()?.parse::<i64>().ok()?;
    if h > 24 || mi > 59 || sec > 60 {
        return None;
    }
    Some(simfra_model::calendar::days_from_civil(y, mo, day) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// What the IAM SAML provider's metadata says about the IdP.
pub struct IdentityProvider {
    pub entity_id: String,
    pub keys: Vec<rsa::PublicKey>,
}

impl IdentityProvider {
    /// Reads `md:EntityDescriptor` (alone or inside `md:EntitiesDescriptor`):
    /// its entityID and the certificates of `IDPSSODescriptor/KeyDescriptor`
    /// elements used for signing (`use="signing"` or no `use`).
    pub fn from_metadata(metadata: &str) -> Result<IdentityProvider, ServiceError> {
        let unreadable = |why: String| invalid(format!("The SAML provider's metadata document could not be read: {why}"));
        let doc = Document::parse(metadata).map_err(|e| unreadable(e.0))?;
        let entity = std::iter::once(doc.root)
            .chain(doc.descendants(doc.root))
            .find(|&n| doc.is(n, METADATA_NS, "EntityDescriptor") && doc.child(n, METADATA_NS, "IDPSSODescriptor").is_some())
            .ok_or_else(|| unreadable("no EntityDescriptor with an IDPSSODescriptor".into()))?;
        let entity_id = doc.attr(entity, "entityID").unwrap_or("").to_string();
        let mut keys = Vec::new();
        for idp in doc.children_named(entity, METADATA_NS, "IDPSSODescriptor") {
            for kd in doc.children_named(idp, METADATA_NS, "KeyDescriptor") {
                if !matches!(doc.attr(kd, "use"), None | Some("signing")) {
                    continue;
                }
                let certs = doc
                    .children_named(kd, DSIG_NS, "KeyInfo")
                    .flat_map(|ki| doc.children_named(ki, DSIG_NS, "X509Data").collect::<Vec<_>>())
                    .flat_map(|xd| doc.children_named(xd, DSIG_NS, "X509Certificate").collect::<Vec<_>>());
                for cert in certs {
                    let der = xmldsig::decode_base64(&doc.text(cert)).ok_or_else(|| unreadable("an X509Certificate is not base64".into()))?;
                    keys.push(xmldsig::certificate_public_key(&der).map_err(|e| unreadable(e.0))?);
                }
            }
        }
        if keys.is_empty() {
            return Err(unreadable("it has no signing certificate".into()));
        }
        Ok(IdentityProvider { entity_id, keys })
    }
}

/// The claims of a verified assertion.
#[derive(Debug, Clone, Default)]
pub struct Assertion {
    pub issuer: String,
    pub subject: String,
    /// The NameID's Format, as given (or SAML's "unspecified").
    pub subject_format: String,
    /// SubjectConfirmationData's Recipient: what AWS reports as Audience and tests as `SAML:aud`.
    pub recipient: Option<String>,
    pub audiences: Vec<String>,
    pub not_before: Option<i64>,
    pub not_on_or_after: Option<i64>,
    pub confirmation_not_on_or_after: Option<i64>,
    /// AuthnStatement's SessionNotOnOrAfter: the session ends then at the latest.
    pub session_not_on_or_after: Option<i64>,
    /// (Name, values) in document order.
    pub attributes: Vec<(String, Vec<String>)>,
}

fn time_attr(doc: &Document, node: NodeId, name: &str) -> Result<Option<i64>, ServiceError> {
    match doc.attr(node, name) {
        None => Ok(None),
        Some(v) => parse_datetime(v).map(Some).ok_or_else(|| invalid(format!("Invalid SAML response: {name} '{v}' is not a valid dateTime"))),
    }
}

/// The signature directly inside `element`, if it has one (more than one is refused).
fn own_signature(doc: &Document, element: NodeId) -> Result<Option<NodeId>, ServiceError> {
    let sigs: Vec<NodeId> = doc.children_named(element, DSIG_NS, "Signature").collect();
    match sigs[..] {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => Err(invalid("Response signature invalid: more than one signature on one element")),
    }
}

/// Decodes, parses and verifies the base64 `samlp:Response`, and reads the
/// claims of its assertion.
pub fn verified_assertion(saml_response: &str, idp: &IdentityProvider) -> Result<Assertion, ServiceError> {
    let bytes = xmldsig::decode_base64(saml_response).ok_or_else(|| invalid("Invalid base64 SAMLResponse"))?;
    let text = String::from_utf8(bytes).map_err(|_| invalid("Invalid SAML response: not UTF-8"))?;
    let doc = Document::parse(&text).map_err(|e| invalid(format!("Invalid SAML response: {e}")))?;
    let response = doc.root;
    if !doc.is(response, PROTOCOL_NS, "Response") {
        return Err(invalid("Invalid SAML response: the document is not a samlp:Response"));
    }
    let status = doc
        .child(response, PROTOCOL_NS, "Status")
        .and_then(|s| doc.child(s, PROTOCOL_NS, "StatusCode"))
        .and_then(|c| doc.attr(c, "Value"));
    if status != Some(SUCCESS) {
        return Err(invalid(format!("Invalid SAML response: the status is {}", status.unwrap_or("missing"))));
    }
    if doc.child(response, ASSERTION_NS, "EncryptedAssertion").is_some() {
        return Err(invalid("Invalid SAML response: encrypted assertions are not supported"));
    }
    let assertions: Vec<NodeId> = doc.children_named(response, ASSERTION_NS, "Assertion").collect();
    let [assertion] = assertions[..] else {
        return Err(invalid("Invalid SAML response: it must contain exactly one Assertion"));
    };

    // Every signature present must verify, and at least one must cover the
    // assertion: its own, or the Response's (which contains it).
    let mut covered = false;
    for element in [response, assertion] {
        if let Some(sig) = own_signature(&doc, element)? {
            let signed = xmldsig::verify_enveloped(&doc, sig, &idp.keys).map_err(|e| invalid(format!("Response signature invalid: {}", e.0)))?;
            if signed != element || !doc.is_within(assertion, signed) {
                return Err(invalid("Response signature invalid"));
            }
            covered = true;
        }
    }
    if !covered {
        return Err(invalid("Response signature invalid: neither the Response nor the Assertion is signed"));
    }
    read_claims(&doc, assertion)
}

fn read_claims(doc: &Document, assertion: NodeId) -> Result<Assertion, ServiceError> {
    let mut a = Assertion {
        issuer: doc.child(assertion, ASSERTION_NS, "Issuer").map(|i| doc.text(i).trim().to_string()).unwrap_or_default(),
        ..Default::default()
    };
    if let Some(subject) = doc.child(assertion, ASSERTION_NS, "Subject") {
        if let Some(name_id) = doc.child(subject, ASSERTION_NS, "NameID") {
            a.subject = doc.text(name_id).trim().to_string();
            a.subject_format = doc.attr(name_id, "Format").unwrap_or(UNSPECIFIED_FORMAT).to_string();
        }
        for confirmation in doc.children_named(subject, ASSERTION_NS, "SubjectConfirmation") {
            if doc.attr(confirmation, "Method") != Some(BEARER) {
                continue;
            }
            if let Some(data) = doc.child(confirmation, ASSERTION_NS, "SubjectConfirmationData") {
                a.recipient = a.recipient.or_else(|| doc.attr(data, "Recipient").map(str::to_string));
                a.confirmation_not_on_or_after = time_attr(doc, data, "NotOnOrAfter")?.or(a.confirmation_not_on_or_after);
            }
        }
    }
    if let Some(conditions) = doc.child(assertion, ASSERTION_NS, "Conditions") {
        a.not_before = time_attr(doc, conditions, "NotBefore")?;
        a.not_on_or_after = time_attr(doc, conditions, "NotOnOrAfter")?;
        for restriction in doc.children_named(conditions, ASSERTION_NS, "AudienceRestriction") {
            for audience in doc.children_named(restriction, ASSERTION_NS, "Audience") {
                a.audiences.push(doc.text(audience).trim().to_string());
            }
        }
    }
    for authn in doc.children_named(assertion, ASSERTION_NS, "AuthnStatement") {
        if let Some(t) = time_attr(doc, authn, "SessionNotOnOrAfter")? {
            a.session_not_on_or_after = Some(a.session_not_on_or_after.map_or(t, |s: i64| s.min(t)));
        }
    }
    for statement in doc.children_named(assertion, ASSERTION_NS, "AttributeStatement") {
        for attribute in doc.children_named(statement, ASSERTION_NS, "Attribute") {
            let name = doc.attr(attribute, "Name").unwrap_or("").to_string();
            let values: Vec<String> =
                doc.children_named(attribute, ASSERTION_NS, "AttributeValue").map(|v| doc.text(v).trim().to_string()).collect();
            match a.attributes.iter_mut().find(|(n, _)| *n == name) {
                Some((_, existing)) => existing.extend(values),
                None => a.attributes.push((name, values)),
            }
        }
    }
    Ok(a)
}

impl Assertion {
    /// Issuer, audience and validity period, as AWS checks them.
    pub fn check(&self, idp: &IdentityProvider, now: i64) -> Result<(), ServiceError> {
        if self.issuer.is_empty() || self.issuer != idp.entity_id {
            return Err(invalid("Issuer not present in specified provider"));
        }
        let aws_audience = |a: &str| {
            a == AWS_URN_AUDIENCE
                || a.strip_prefix("https://")
                    .and_then(|rest| rest.strip_suffix("signin.aws.amazon.com/saml"))
                    .is_some_and(|region| region.is_empty() || (region.ends_with('.') && !region[..region.len() - 1].contains('/')))
        };
        if !self.audiences.iter().any(|a| aws_audience(a)) {
            return Err(invalid("Invalid SAML response: the audience restriction does not name https://signin.aws.amazon.com/saml"));
        }
        if let Some(nb) = self.not_before {
            if now + CLOCK_SKEW_SECS < nb {
                return Err(invalid("Invalid SAML response: the assertion is not yet valid (Conditions NotBefore)"));
            }
        }
        for until in [self.not_on_or_after, self.confirmation_not_on_or_after].into_iter().flatten() {
            if now >= until {
                return Err(expired("Token must be redeemed before its NotOnOrAfter time: the SAML assertion has expired"));
            }
        }
        if self.subject.is_empty() {
            return Err(invalid("Invalid SAML response: the assertion has no Subject NameID"));
        }
        Ok(())
    }

    /// The values of an attribute, by name.
    pub fn attribute(&self, name: &str) -> Option<&[String]> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
    }

    /// Whether the Role attribute offers `role_arn` through `provider_arn`
    /// (each value is "role,provider" or "provider,role").
    pub fn offers_role(&self, role_arn: &str, provider_arn: &str) -> bool {
        self.attribute(ROLE_ATTRIBUTE).unwrap_or(&[]).iter().any(|v| {
            let parts: Vec<&str> = v.split(',').map(str::trim).collect();
            matches!(parts[..], [a, b] if (a == role_arn && b == provider_arn) || (a == provider_arn && b == role_arn))
        })
    }

    /// `persistent`, `transient`, … : the NameID format without SAML 2.0's
    /// prefix; other formats whole.
    pub fn subject_type(&self) -> String {
        self.subject_format.strip_prefix(NAMEID_FORMAT_PREFIX).unwrap_or(&self.subject_format).to_string()
    }

    /// `PrincipalTag:<key>` attributes: (key, first value), in document order.
    pub fn principal_tags(&self) -> Vec<(String, String)> {
        self.attributes
            .iter()
            .filter_map(|(n, v)| Some((n.strip_prefix(PRINCIPAL_TAG_ATTRIBUTE)?.to_string(), v.first().cloned().unwrap_or_default())))
            .collect()
    }

    /// `SAML:<key>` condition keys from the well-known attributes.
    pub fn attribute_condition_keys(&self) -> Vec<(String, Vec<String>)> {
        ATTRIBUTE_CONDITION_KEYS
            .iter()
            .filter_map(|(name, key)| Some((format!("SAML:{key}"), self.attribute(name)?.to_vec())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_read_with_fractions_and_offsets() {
        assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_datetime("2024-05-01T12:00:00.123Z"), Some(1_714_564_800));
        assert_eq!(parse_datetime("2024-05-01T14:00:00+02:00"), Some(1_714_564_800));
        assert_eq!(parse_datetime("2024-05-01T10:30:00-01:30"), Some(1_714_564_800));
        assert_eq!(parse_datetime("yesterday"), None);
        assert_eq!(parse_datetime("2024-13-01T00:00:00Z"), None);
    }

    #[test]
    fn roles_match_in_either_order_and_subject_types_lose_the_saml2_prefix() {
        let a = Assertion {
            attributes: vec![(
                ROLE_ATTRIBUTE.into(),
                vec!["arn:aws:iam::1:saml-provider/P, arn:aws:iam::1:role/A".into(), "arn:aws:iam::1:role/B,arn:aws:iam::1:saml-provider/P".into()],
            )],
            subject_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into(),
            ..Default::default()
        };
        assert!(a.offers_role("arn:aws:iam::1:role/A", "arn:aws:iam::1:saml-provider/P"));
        assert!(a.offers_role("arn:aws:iam::1:role/B", "arn:aws:iam::1:saml-provider/P"));
        assert!(!a.offers_role("arn:aws:iam::1:role/C", "arn:aws:iam::1:saml-provider/P"));
        assert!(!a.offers_role("arn:aws:iam::1:role/A", "arn:aws:iam::1:saml-provider/Q"));
        assert_eq!(a.subject_type(), "persistent");
        let email = Assertion { subject_format: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress".into(), ..Default::default() };
        assert_eq!(email.subject_type(), "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    }
}

/// A Response whose Assertion was signed (rsa-sha1, exclusive c14n with an
/// InclusiveNamespaces PrefixList of `xs`) by signxml with the key of the
/// certificate in `idp_metadata.xml`; the Response's namespace declarations
/// were hoisted out of the assertion after signing, as lxml does.
#[cfg(test)]
mod signed_fixture_tests {
    use super::*;

    const RESPONSE: &str = include_str!("testdata/response_assertion_signed.xml");
    const METADATA: &str = include_str!("testdata/idp_metadata.xml");

    fn b64(text: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    fn idp() -> IdentityProvider {
        IdentityProvider::from_metadata(METADATA).expect("the fixture metadata reads")
    }

    #[test]
    fn the_signed_fixture_verifies_and_its_claims_read() {
        let idp = idp();
        assert_eq!(idp.entity_id, "https://idp.example.com/fixture");
        let a = verified_assertion(&b64(RESPONSE), &idp).expect("verifies");
        assert_eq!(a.issuer, "https://idp.example.com/fixture");
        assert_eq!(a.subject, "fixture@example.com");
        assert_eq!(a.subject_type(), "persistent");
        assert_eq!(a.recipient.as_deref(), Some("https://signin.aws.amazon.com/saml"));
        assert_eq!(a.audiences, vec!["https://signin.aws.amazon.com/saml".to_string()]);
        assert!(a.offers_role("arn:aws:iam::123456789012:role/Fixture", "arn:aws:iam::123456789012:saml-provider/Fixture"));
        assert_eq!(a.attribute(SESSION_NAME_ATTRIBUTE), Some(&["fixture".to_string()][..]));
        assert_eq!(a.principal_tags(), vec![("team".to_string(), "blue".to_string())]);
        // Valid when issued, expired ten minutes later.
        let issued = a.not_on_or_after.expect("has NotOnOrAfter") - 300;
        assert!(a.check(&idp, issued).is_ok());
        assert_eq!(a.check(&idp, issued + 600).unwrap_err().code, "ExpiredTokenException");
    }

    #[test]
    fn any_change_to_the_signed_assertion_fails() {
        let idp = idp();
        for (from, to) in [
            (">fixture<", ">mallory<"),
            ("fixture@example.com", "mallory@example.com"),
            ("xsi:type=\"xs:string\">blue", "xsi:type=\"xs:string\">red"),
            // The xs binding is part of the digest through the PrefixList.
            ("xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"", "xmlns:xs=\"urn:other\""),
        ] {
            assert!(RESPONSE.contains(from), "{from}");
            let err = verified_assertion(&b64(&RESPONSE.replacen(from, to, 1)), &idp).unwrap_err();
            assert_eq!(err.code, "InvalidIdentityToken", "{from}");
        }
        // Outside the assertion (the Response is not signed), changes do not matter.
        let destination = RESPONSE.replacen("Destination=\"https://signin.aws.amazon.com/saml\"", "Destination=\"x\"", 1);
        assert!(verified_assertion(&b64(&destination), &idp).is_ok());
    }

    #[test]
    fn wrapped_duplicated_or_unsigned_assertions_fail() {
        let idp = idp();
        let start = RESPONSE.find("<saml:Assertion").unwrap();
        let end = RESPONSE.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
        let signed = &RESPONSE[start..end];
        let sig_start = signed.find("<ds:Signature").unwrap();
        let sig_end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
        let unsigned = format!("{}{}", &signed[..sig_start], &signed[sig_end..]).replacen(">fixture<", ">mallory<", 1);
        // The genuine assertion moved into Extensions, a forged one (same ID) in its place.
        let wrapped = format!("{}<samlp:Extensions>{signed}</samlp:Extensions>{unsigned}{}", &RESPONSE[..start], &RESPONSE[end..]);
        assert!(verified_assertion(&b64(&wrapped), &idp).is_err());
        // Two assertions.
        let twice = format!("{}{signed}{unsigned}{}", &RESPONSE[..start], &RESPONSE[end..]);
        assert!(verified_assertion(&b64(&twice), &idp).is_err());
        // None signed.
        let bare = format!("{}{unsigned}{}", &RESPONSE[..start], &RESPONSE[end..]);
        assert!(verified_assertion(&b64(&bare), &idp).is_err());
        // Another element carrying the signed ID.
        let id_start = signed.find("ID=\"").unwrap() + 4;
        let id = &signed[id_start..id_start + signed[id_start..].find('"').unwrap()];
        let shadow = RESPONSE.replacen("<samlp:Status>", &format!("<samlp:Status ID=\"{id}\">"), 1);
        assert!(verified_assertion(&b64(&shadow), &idp).is_err());
    }

    #[test]
    fn a_certificate_only_the_response_carries_is_not_trusted() {
        // The response's KeyInfo carries the signer's certificate; without it in the metadata, nothing verifies.
        assert!(RESPONSE.contains("<ds:X509Certificate>"));
        let untrusting = IdentityProvider { entity_id: idp().entity_id, keys: Vec::new() };
        assert_eq!(verified_assertion(&b64(RESPONSE), &untrusting).unwrap_err().code, "InvalidIdentityToken");
    }
}
