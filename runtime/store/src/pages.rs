//! Admin pages that services publish under `/_simfra/` (SNS's
//! message-signing certificate, at the SigningCertURL of its notifications).
//! Services register a renderer by path; the gateway serves registered paths
//! without depending on any service crate.

use std::sync::RwLock;

/// Renders a page from the request's query string: (content type, body).
pub type Page = fn(query: &str) -> (&'static str, Vec<u8>);

static PAGES: RwLock<Vec<(&'static str, Page)>> = RwLock::new(Vec::new());

/// Serves `page` at `path` (e.g. `/_simfra/sns/SimpleNotificationService.pem`). A later registration of the same path wins.
pub fn register(path: &'static str, page: Page) {
    let mut pages = PAGES.write().unwrap_or_else(|e| e.into_inner());
    pages.retain(|(p, _)| *p != path);
    pages.push((path, page));
}

/// The page registered at `path`, rendered, if any.
pub fn render(path: &str, query: &str) -> Option<(&'static str, Vec<u8>)> {
    let page = PAGES.read().unwrap_or_else(|e| e.into_inner()).iter().find(|(p, _)| *p == path).map(|(_, f)| *f)?;
    Some(page(query))
}
