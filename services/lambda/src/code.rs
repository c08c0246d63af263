//! Deployment packages: a .zip uploaded directly or read from S3, or a
//! container image reference; their SHA-256 (base64, as `CodeSha256`), their
//! files (unzipped into the container's /var/task, layers into /opt), and the
//! download URL `GetFunction` answers (`Code.Location`, served by Simfra under
//! `/_simfra/lambda/code` for ten minutes, like AWS's presigned URL).

use crate::errors;
use crate::store::Code;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use simfra_model::{Bytes, ServiceError};
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

/// The largest package AWS takes unzipped (250 MB) and zipped directly (50 MB).
const MAX_UNZIPPED: u64 = 262_144_000;
const MAX_DIRECT_ZIP: usize = 52_428_800;

pub fn sha256_b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(data))
}

/// Where a package comes from, as CreateFunction / UpdateFunctionCode /
/// PublishLayerVersion name it.
pub struct Source<'a> {
    pub zip_file: Option<&'a Bytes>,
    pub s3_bucket: Option<&'a str>,
    pub s3_key: Option<&'a str>,
}

/// Reads and checks a zip package.
pub fn load_zip(src: &Source) -> Result<Bytes, ServiceError> {
    let data = match (src.zip_file, src.s3_bucket, src.s3_key) {
        (Some(z), None, None) => {
            if z.len() > MAX_DIRECT_ZIP {
                return Err(ServiceError::new(
                    "RequestEntityTooLargeException",
                    413,
                    "Request must be smaller than 70167211 bytes for the CreateFunction operation",
                ));
            }
            z.clone()
        }
        (None, Some(bucket), Some(key)) => simfra_svc_s3::get_object_internal(bucket, key).ok_or_else(|| {
            errors::invalid(format!(
                "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist."
            ))
        })?,
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(errors::invalid("Please provide a source for function code."));
        }
        (None, None, None) => return Err(errors::invalid("Please provide a source for function code.")),
        _ => return Err(errors::invalid("Please do not provide other FunctionCode parameters when providing a ZipFile.")),
    };
    unzip(&data, "")?;
    Ok(data)
}

pub fn zip_code(data: Bytes) -> Code {
    Code { sha256: sha256_b64(&data), size: data.len() as i64, zip: Some(data), image_uri: None }
}

pub fn image_code(uri: &str) -> Code {
    Code { zip: None, image_uri: Some(uri.to_string()), sha256: sha256_b64(uri.as_bytes()), size: 0 }
}

/// The files of a zip under `root` (`/var/task`, `/opt`): (path, content, mode).
/// Directories are implied by their files.
pub fn unzip(data: &[u8], root: &str) -> Result<Vec<(String, Vec<u8>, u32)>, ServiceError> {
    let bad = || errors::invalid("Could not unzip uploaded file. Please check your file, then try to upload again.");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(data)).map_err(|_| bad())?;
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|_| bad())?;
        if entry.is_dir() {
            continue;
        }
        let Some(path) = entry.enclosed_name() else { return Err(bad()) };
        total += entry.size();
        if total > MAX_UNZIPPED {
            return Err(errors::invalid(format!("Unzipped size must be smaller than {MAX_UNZIPPED} bytes")));
        }
        // Files keep their Unix mode (a custom runtime's bootstrap must stay
        // executable); archives made elsewhere without one get rwxr-xr-x,
        // as Lambda gives them.
        let mode = entry.unix_mode().map(|m| m & 0o7777).filter(|m| *m != 0).unwrap_or(0o755);
        let mut content = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut content).map_err(|_| bad())?;
        out.push((format!("{root}/{}", path.to_string_lossy()), content, mode | 0o444));
    }
    Ok(out)
}

/// Download links: token → the code and when the link expires.
fn links() -> &'static Mutex<HashMap<String, (Weak<Code>, Instant)>> {
    static LINKS: OnceLock<Mutex<HashMap<String, (Weak<Code>, Instant)>>> = OnceLock::new();
    LINKS.get_or_init(|| {
        simfra_store::pages::register("/_simfra/lambda/code", download);
        Mutex::new(HashMap::new())
    })
}

const LINK_LIFETIME: Duration = Duration::from_secs(600);

/// A URL that downloads the package for ten minutes.
pub fn location(endpoint: &str, code: &Arc<Code>) -> String {
    let token = simfra_identity::ids::random_hex(20);
    let mut links = links().lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    links.retain(|_, (c, exp)| *exp > now && c.strong_count() > 0);
    links.insert(token.clone(), (Arc::downgrade(code), now + LINK_LIFETIME));
    format!("{endpoint}/_simfra/lambda/code?token={token}")
}

fn download(query: &str) -> (&'static str, Vec<u8>) {
    let token = query.split('&').find_map(|kv| kv.strip_prefix("token=")).unwrap_or("");
    let code = {
        let links = links().lock().unwrap_or_else(|e| e.into_inner());
        links.get(token).filter(|(_, exp)| *exp > Instant::now()).and_then(|(c, _)| c.upgrade())
    };
    match code.and_then(|c| c.zip.clone()) {
        Some(zip) => ("application/zip", zip.to_vec()),
        None => (
            "application/xml",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>".to_vec(),
        ),
    }
}
