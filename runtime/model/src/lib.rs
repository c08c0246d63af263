//! Types shared by the generated service crates, the codecs, the gateway and
//! the hand-written services. Kept small and stable: every generated crate
//! depends on it, so a change here rebuilds all of them.

pub mod calendar;
pub mod convert;
pub mod error;
pub mod schema;
pub mod service;
pub mod stream;
pub mod value;

pub use convert::{BigNumber, FromValue, ToValue};
pub use error::{ConvertError, ErrorKind, Fault, ServiceError};
pub use schema::*;
pub use service::{BoxFuture, RequestContext, ServiceHandler, SharedHandler};
pub use stream::{ByteStream, StreamError};
pub use value::{Document, Timestamp, Value};

// Re-exported so generated crates need only this dependency.
pub use async_trait::async_trait;
pub use bytes::Bytes;
