//! Server certificates (for load balancers and CloudFront): PEM certificates
//! with their private keys. The certificate is read far enough to know its
//! expiry and public key, and the private key must belong to it.

use crate::common::*;
use crate::keys::{certificate_der, der_read, pem_body};
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key, IamData};
use simfra_model::{RequestContext, ServiceError};

const SERVER_CERTIFICATES_QUOTA: usize = 20;

fn malformed(message: &str) -> ServiceError {
    MalformedCertificateException { message: Some(message.to_string()) }.into()
}

/// `YYMMDDHHMMSSZ` (UTCTime) or `YYYYMMDDHHMMSSZ` (GeneralizedTime) → Unix seconds.
fn der_time(tag: u8, t: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(t).ok()?;
    let (year, rest) = match tag {
        0x17 => {
            let yy: i64 = s.get(0..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, s.get(2..)?)
        }
        0x18 => (s.get(0..4)?.parse().ok()?, s.get(4..)?),
        _ => return None,
    };
    let n = |r: std::ops::Range<usize>| rest.get(r).and_then(|x| x.parse::<i64>().ok());
    let days = simfra_model::calendar::days_from_civil(year, n(0..2)? as u32, n(2..4)? as u32);
    Some(days * 86400 + n(4..6)? * 3600 + n(6..8)? * 60 + n(8..10)?)
}

/// What IAM needs of a certificate: its expiry and its RSA modulus, if RSA.
struct CertInfo {
    not_after: Option<i64>,
    modulus: Option<Vec<u8>>,
}

fn trim(x: &[u8]) -> Vec<u8> {
    x.iter().copied().skip_while(|b| *b == 0).collect()
}

fn cert_info(der: &[u8]) -> Option<CertInfo> {
    let (_, cert, _) = der_read(der)?;
    let (_, tbs, _) = der_read(cert)?;
    let mut rest = tbs;
    // [0] version, when present.
    if rest.first() == Some(&0xa0) {
        rest = der_read(rest)?.2;
    }
    let (_, _serial, r) = der_read(rest)?;
    let (_, _alg, r) = der_read(r)?;
    let (_, _issuer, r) = der_read(r)?;
    let (_, validity, r) = der_read(r)?;
    let (_, _subject, r) = der_read(r)?;
    let (_, spki, _) = der_read(r)?;
    let (_, _before, v) = der_read(validity)?;
    let (tag, after, _) = der_read(v)?;
    let modulus = (|| {
        let (_, _alg, bits) = der_read(spki)?;
        let (_, bits, _) = der_read(bits)?;
        let (_, rsa, _) = der_read(bits.get(1..)?)?;
        let (_, n, _) = der_read(rsa)?;
        Some(trim(n))
    })();
    Some(CertInfo { not_after: der_time(tag, after), modulus })
}

/// The RSA modulus of a PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`) key.
fn private_key_modulus(pem: &str) -> Result<Option<Vec<u8>>, ServiceError> {
    let bad = || malformed("Unable to parse private key.");
    if let Some(der) = pem_body(pem, "RSA PRIVATE KEY") {
        let (_, seq, _) = der_read(&der).ok_or_else(bad)?;
        let (_, _version, r) = der_read(seq).ok_or_else(bad)?;
        let (_, n, _) = der_read(r).ok_or_else(bad)?;
        return Ok(Some(trim(n)));
    }
    if let Some(der) = pem_body(pem, "PRIVATE KEY") {
        let (_, seq, _) = der_read(&der).ok_or_else(bad)?;
        let (_, _version, r) = der_read(seq).ok_or_else(bad)?;
        let (_, alg, r) = der_read(r).ok_or_else(bad)?;
        let (_, oid, _) = der_read(alg).ok_or_else(bad)?;
        if oid != [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01] {
            return Ok(None);
        }
        let (_, inner, _) = der_read(r).ok_or_else(bad)?;
        let (_, rsa, _) = der_read(inner).ok_or_else(bad)?;
        let (_, _version, r) = der_read(rsa).ok_or_else(bad)?;
        let (_, n, _) = der_read(r).ok_or_else(bad)?;
        return Ok(Some(trim(n)));
    }
    if pem_body(pem, "EC PRIVATE KEY").is_some() {
        return Ok(None);
    }
    Err(bad())
}

fn no_such_certificate(name: &str) -> ServiceError {
    no_such_entity(format!("The Server Certificate with name {name} cannot be found."))
}

fn get<'a>(d: &'a IamData, name: &str) -> R<&'a store::ServerCertificate> {
    d.server_certificates.get(&key(name)).ok_or_else(|| no_such_certificate(name))
}

fn get_mut<'a>(d: &'a mut IamData, name: &str) -> R<&'a mut store::ServerCertificate> {
    d.server_certificates.get_mut(&key(name)).ok_or_else(|| no_such_certificate(name))
}

fn metadata(c: &store::ServerCertificate) -> ServerCertificateMetadata {
    ServerCertificateMetadata {
        path: c.path.clone(),
        server_certificate_name: c.name.clone(),
        server_certificate_id: c.id.clone(),
        arn: c.arn.clone(),
        upload_date: Some(ts(c.uploaded)),
        expiration: c.expiration.map(ts),
    }
}

pub fn upload_server_certificate(ctx: &RequestContext, input: UploadServerCertificateRequest) -> R<UploadServerCertificateResponse> {
    let path = path_or_root(input.path);
    check_path(&path)?;
    let der = certificate_der(&input.certificate_body)?;
    let info = cert_info(&der).ok_or_else(|| malformed("Unable to parse certificate. Please ensure the certificate is in PEM format."))?;
    if let Some(chain) = &input.certificate_chain {
        certificate_der(chain)?;
    }
    let key_modulus = private_key_modulus(&input.private_key)?;
    if let (Some(a), Some(b)) = (&info.modulus, &key_modulus) {
        if a != b {
            return Err(KeyPairMismatchException { message: Some("The public key certificate and the private key do not match.".into()) }.into());
        }
    }
    let st = state(ctx);
    let mut d = st.write();
    if d.server_certificates.contains_key(&key(&input.server_certificate_name)) {
        return Err(already_exists(format!("The Server Certificate with name {} already exists.", input.server_certificate_name)));
    }
    if d.server_certificates.len() >= SERVER_CERTIFICATES_QUOTA {
        return Err(limit_exceeded(format!("Cannot exceed quota for ServerCertificatesPerAccount: {SERVER_CERTIFICATES_QUOTA}")));
    }
    let mut tags = store::Tags::default();
    apply_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]))?;
    let c = store::ServerCertificate {
        arn: arn(&ctx.account_id, "server-certificate", &path, &input.server_certificate_name),
        name: input.server_certificate_name.clone(),
        id: unique_id("ASCA"),
        path,
        body: input.certificate_body,
        chain: input.certificate_chain,
        uploaded: now(),
        expiration: info.not_after,
        tags,
    };
    let shown = (metadata(&c), tags_opt(&c.tags));
    d.server_certificates.insert(key(&input.server_certificate_name), c);
    Ok(UploadServerCertificateResponse { server_certificate_metadata: Some(shown.0), tags: shown.1 })
}

pub fn get_server_certificate(ctx: &RequestContext, input: GetServerCertificateRequest) -> R<GetServerCertificateResponse> {
    let st = state(ctx);
    let d = st.read();
    let c = get(&d, &input.server_certificate_name)?;
    Ok(GetServerCertificateResponse {
        server_certificate: ServerCertificate {
            server_certificate_metadata: metadata(c),
            certificate_body: c.body.clone(),
            certificate_chain: c.chain.clone(),
            tags: tags_opt(&c.tags),
        },
    })
}

pub fn update_server_certificate(ctx: &RequestContext, input: UpdateServerCertificateRequest) -> R<()> {
    if let Some(p) = &input.new_path {
        check_path(p)?;
    }
    let st = state(ctx);
    let mut d = st.write();
    let old = key(&input.server_certificate_name);
    let mut c = get(&d, &input.server_certificate_name)?.clone();
    if let Some(n) = input.new_server_certificate_name {
        if key(&n) != old && d.server_certificates.contains_key(&key(&n)) {
            return Err(already_exists(format!("The Server Certificate with name {n} already exists.")));
        }
        c.name = n;
    }
    if let Some(p) = input.new_path {
        c.path = p;
    }
    c.arn = arn(&ctx.account_id, "server-certificate", &c.path, &c.name);
    d.server_certificates.remove(&old);
    d.server_certificates.insert(key(&c.name), c);
    Ok(())
}

pub fn delete_server_certificate(ctx: &RequestContext, input: DeleteServerCertificateRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get(&d, &input.server_certificate_name)?;
    d.server_certificates.remove(&key(&input.server_certificate_name));
    Ok(())
}

pub fn list_server_certificates(ctx: &RequestContext, input: ListServerCertificatesRequest) -> R<ListServerCertificatesResponse> {
    let st = state(ctx);
    let d = st.read();
    let all: Vec<&store::ServerCertificate> =
        d.server_certificates.values().filter(|c| path_matches(&c.path, input.path_prefix.as_deref())).collect();
    let page = paginate(all, |c| key(&c.name), input.marker.as_deref(), input.max_items)?;
    Ok(ListServerCertificatesResponse {
        server_certificate_metadata_list: page.items.iter().map(|c| metadata(c)).collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

pub fn tag_server_certificate(ctx: &RequestContext, input: TagServerCertificateRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    apply_tags(&mut get_mut(&mut d, &input.server_certificate_name)?.tags, &input.tags)
}

pub fn untag_server_certificate(ctx: &RequestContext, input: UntagServerCertificateRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get_mut(&mut d, &input.server_certificate_name)?.tags.remove(&input.tag_keys);
    Ok(())
}

pub fn list_server_certificate_tags(ctx: &RequestContext, input: ListServerCertificateTagsRequest) -> R<ListServerCertificateTagsResponse> {
    let st = state(ctx);
    let d = st.read();
    let (tags, is_truncated, marker) = list_tags(&get(&d, &input.server_certificate_name)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListServerCertificateTagsResponse { tags, is_truncated, marker })
}

#[cfg(test)]
mod tests {
    #[test]
    fn asn1_times() {
        assert_eq!(super::der_time(0x17, b"300101000000Z"), Some(1893456000));
        assert_eq!(super::der_time(0x18, b"20300101000000Z"), Some(1893456000));
    }
}
