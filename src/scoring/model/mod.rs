//! Grading by a model: the pieces that need no network. Finding the JSON in whatever a server
//! sends back, and turning it into a `Score` that trusts nothing the model says without checking.

pub mod json;
pub mod reply;

pub use reply::{ReplyContext, ReplyError, quoted_from, score_from_reply};
