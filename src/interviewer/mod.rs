//! Choosing follow-up questions. `Interviewer` is the seam: offline, the bank's probes for the
//! talking points an answer missed (`ProbeInterviewer`); with a model, a question written for the
//! answer and streamed as it is written (`ModelInterviewer`).

mod model;

pub use model::ModelInterviewer;

use tokio_util::sync::CancellationToken;

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

/// The interviewer's choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUp {
    /// The next probe, or `None` when there is nothing worth asking.
    pub probe: Option<String>,
    /// One sentence for the candidate when something went wrong on the way.
    pub notice: Option<String>,
}

pub trait Interviewer: Send + Sync {
    /// Chooses the next probe. `progress` is called with the text so far while a probe is being
    /// written; `cancel` fires when the candidate has moved on and the probe is no longer wanted.
    fn follow_up(
        &self,
        request: &FollowUpRequest<'_>,
        progress: &mut (dyn FnMut(&str) + Send),
        cancel: &CancellationToken,
    ) -> FollowUp;
}

/// Asks the bank's probes for the points the answer has not yet explained.
pub struct ProbeInterviewer<S> {
    scorer: S,
}

impl<S: Scorer> ProbeInterviewer<S> {
    pub fn new(scorer: S) -> Self {
        ProbeInterviewer { scorer }
    }

    pub fn probe(&self, request: &FollowUpRequest<'_>) -> Option<String> {
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

impl<S: Scorer> Interviewer for ProbeInterviewer<S> {
    fn follow_up(
        &self,
        request: &FollowUpRequest<'_>,
        _progress: &mut (dyn FnMut(&str) + Send),
        _cancel: &CancellationToken,
    ) -> FollowUp {
        FollowUp {
            probe: self.probe(request),
            notice: None,
        }
    }
}
