//! Scoring an answer against its question's rubric and talking points. `Scorer` is the seam: the
//! offline scorer lives here; a model-backed scorer implements the same trait.

pub mod eval;
pub mod model;
pub mod offline;
mod score;

pub use score::{
    Credit, DimensionScore, Misconception, NEEDS_RESCORE, PointScore, Samples, Score, verdict,
};

use thiserror::Error;

use crate::content::{Level, Question, Rubric};

/// What a scorer is asked to grade.
#[derive(Debug, Clone, Copy)]
pub struct ScoreRequest<'a> {
    pub question: &'a Question,
    pub rubric: &'a Rubric,
    pub answer: &'a str,
    pub level: Level,
}

#[derive(Debug, Error)]
pub enum ScoreError {
    #[error("the scorer could not grade this answer: {0}")]
    Failed(String),
}

/// Grades answers. Implementations must treat the answer as data, never as instructions.
pub trait Scorer: Send + Sync {
    /// How the scorer names itself in transcripts and `--json` output (`offline`, `model:NAME`).
    fn identity(&self) -> String;

    fn score(&self, request: &ScoreRequest<'_>) -> Result<Score, ScoreError>;
}
