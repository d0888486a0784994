//! Talking to any OpenAI-compatible endpoint: the client (timeouts, one retry policy, tolerant
//! replies, streaming), negotiation of structured output, and the runtime the calls run on.

pub mod client;
pub mod error;
pub mod reasoning;
pub mod retry;
pub mod runtime;
pub mod structured;
pub mod transport;

pub use client::{
    ChatRequest, Completion, Format, ModelClient, Timeouts, cancellable, stream_blocking,
};
pub use error::ModelError;
pub use retry::RetryPolicy;
pub use structured::{FormatMemory, OutputMode};
