//! Choosing follow-up questions. `Interviewer` is the seam: offline, the bank's probes for the
//! talking points an answer missed; a model-backed interviewer implements the same trait.

use crate::content::{Level, Question, Rubric};
use crate::scoring::{ScoreRequest, Scorer};

/// What an interviewer sees when choosing a follow-up.
#[derive(Debug, Clone, Copy)]
pub struct FollowUpRequest<'a> {
    pub question: &'a Question,
    pub rubric: &'a Rubric,
    /// Everything the candidate has said for this question so far.
    pub answer: &'a str,
    /// Probes already asked, which must not be asked again.
    pub asked: &'a [String],
    pub level: Level,
}

pub trait Interviewer: Send + Sync {
    /// The next probe, or `None` when there is nothing worth asking.
    fn follow_up(&self, request: &FollowUpRequest<'_>) -> Option<String>;
}

/// Asks the bank's probes for the points the answer has not yet explained.
pub struct ProbeInterviewer<S> {
    scorer: S,
}

impl<S: Scorer> ProbeInterviewer<S> {
    pub fn new(scorer: S) -> Self {
        ProbeInterviewer { scorer }
    }
}

impl<S: Scorer> Interviewer for ProbeInterviewer<S> {
    fn follow_up(&self, request: &FollowUpRequest<'_>) -> Option<String> {
        let score = self
            .scorer
            .score(&ScoreRequest {
                question: request.question,
                rubric: request.rubric,
                answer: request.answer,
                level: request.level,
            })
            .ok()?;
        score
            .follow_ups
            .into_iter()
            .find(|p| !request.asked.iter().any(|a| a.trim() == p.trim()))
    }
}
