//! Grading by a model: asking it (`scorer`), finding the JSON in whatever a server sends back, and
//! turning it into a `Score` that trusts nothing the model says without checking.

pub mod json;
pub mod reply;
pub mod schema;
pub mod scorer;

pub use reply::{ReplyContext, ReplyError, quoted_from, score_from_reply};
pub use scorer::{GradeError, ModelScorer, stand_in};
