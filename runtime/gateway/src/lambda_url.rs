//! Lambda function URLs (`http://<url-id>.lambda-url.<region>.localhost:<port>/…`):
//! plain HTTP requests that Lambda turns into invocations. The gateway
//! recognizes the host, reads the body, checks a signature if there is one
//! and hands the request to the hook Lambda installs (`install`), so the
//! gateway needs no dependency on the Lambda crate.

use crate::host::{is_region, HostInfo};
use simfra_identity::Credential;
use simfra_protocols::{HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

/// A request to a function URL.
pub struct UrlRequest {
    pub url_id: String,
    pub region: String,
    pub request: HttpRequest,
    /// The verified signer, when the request was signed (AuthType AWS_IAM needs one).
    pub caller: Option<Credential>,
    /// A signature was present but did not verify.
    pub bad_signature: bool,
    pub source_ip: String,
    pub request_id: String,
}

pub type UrlFuture = Pin<Box<dyn Future<Output = HttpResponse> + Send>>;
pub type UrlHandler = fn(UrlRequest) -> UrlFuture;

static HOOK: OnceLock<UrlHandler> = OnceLock::new();

/// Installs Lambda's handler (once, at start).
pub fn install(handler: UrlHandler) {
    let _ = HOOK.set(handler);
}

/// `<url-id>.lambda-url.<region>`: the URL id and region.
fn target(host: &HostInfo) -> Option<(String, String)> {
    match host.labels.as_slice() {
        [id, marker, region] if marker == "lambda-url" && is_region(region) && !id.is_empty() => Some((id.clone(), region.clone())),
        _ => None,
    }
}

impl crate::Gateway {
    /// The answer to a function URL request, if this is one.
    pub(crate) async fn function_url(&self, req: &mut HttpRequest, host: &HostInfo, request_id: &str) -> Option<HttpResponse> {
        let (url_id, region) = target(host)?;
        let hook = HOOK.get()?;
        if let Some(stream) = req.body_stream.take() {
            match stream.collect(self.config.max_body_bytes as u64).await {
                Ok(b) => req.body = b,
                Err(_) => return Some(HttpResponse::new(413)),
            }
        }
        let verdict = crate::auth::check(
            self.config.auth,
            &self.config.default_account_id,
            &simfra_sigv4::verify::WireRequest {
                method: &req.method,
                raw_path: &req.path,
                raw_query: &req.query,
                headers: &req.headers,
                body: &req.body,
                virtual_bucket: None,
            },
            false,
            crate::auth::now_secs(),
        );
        let (caller, bad_signature) = match verdict {
            crate::auth::Verdict::Signed(c, _) => (c.credential, false),
            crate::auth::Verdict::Unsigned => (None, false),
            crate::auth::Verdict::Failed(_) => (None, true),
        };
        let source_ip = crate::source_ip(req);
        Some(hook(UrlRequest { url_id, region, request: req.clone(), caller, bad_signature, source_ip, request_id: request_id.to_string() }).await)
    }
}
