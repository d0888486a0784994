//! Keeping transcripts: one folder per session under the data directory, each holding a
//! human-readable `transcript.json` that is replaced atomically after every answer.

mod dir;

pub use dir::DirStore;

use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

use crate::transcript::{SessionStatus, Transcript};

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("could not save session {id} to {path}: {source}")]
    Write {
        id: String,
        path: String,
        source: std::io::Error,
    },
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a transcript this hotseat can read: {reason}")]
    Corrupt { path: String, reason: String },
    #[error("there is no session {0:?}; `hotseat review` lists them")]
    NotFound(String),
}

/// One line of `hotseat review`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub status: SessionStatus,
    pub plan: String,
    pub title: String,
    pub level: String,
    pub questions: usize,
    pub answers: usize,
    pub overall: Option<f64>,
    /// Answers whose model grade failed (or never came) and that `rescore --pending` would grade.
    pub to_rescore: usize,
}

/// Where sessions are kept.
pub trait Store: Send + Sync {
    fn save(&self, transcript: &Transcript) -> Result<(), StoreError>;
    fn load(&self, id: &str) -> Result<Transcript, StoreError>;
    /// Every session, newest first, with the transcripts that could not be read.
    fn list(&self) -> Result<(Vec<SessionSummary>, Vec<StoreError>), StoreError>;
}
