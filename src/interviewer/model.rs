//! A model as the interviewer: it writes a follow-up aimed at what the answer missed, streamed to
//! the screen as it is written. What it writes is checked like a careful interviewer would check
//! a colleague's question: not a repeat, not the candidate's own words handed back, not the answer
//! given away. A question that fails, or a model that does not answer, gives way to the bank's
//! probe, so the interview always goes on.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use strsim::normalized_levenshtein;
use tokio_util::sync::CancellationToken;

use super::{FollowUp, FollowUpRequest, Interviewer, ProbeInterviewer};
use crate::content::Lexicon;
use crate::llm::{ChatRequest, Format, ModelClient, ModelError, stream_blocking};
use crate::prompts::{AnswerContext, Prompts};
use crate::scoring::offline::{OfflineScorer, set_aside_injection};

/// A question sharing this many words in a row with the answer is parroting it.
const PARROT_RUN: usize = 8;
/// Questions at least this similar count as the same question.
const SAME_QUESTION: f64 = 0.8;

/// After the endpoint proves unreachable, how long follow-ups come straight from the bank: the
/// candidate has been told once and should not wait on a dead server at every answer.
const REST: Duration = Duration::from_secs(60);

pub struct ModelInterviewer {
    client: ModelClient,
    prompts: Arc<Prompts>,
    lexicon: Lexicon,
    bank: ProbeInterviewer<OfflineScorer>,
    resting_until: Mutex<Option<Instant>>,
}

impl ModelInterviewer {
    pub fn new(client: ModelClient, prompts: Arc<Prompts>, lexicon: Lexicon) -> Self {
        ModelInterviewer {
            client,
            prompts,
            bank: ProbeInterviewer::new(OfflineScorer::new(lexicon.clone())),
            lexicon,
            resting_until: Mutex::new(None),
        }
    }

    fn ask(
        &self,
        request: &FollowUpRequest<'_>,
        progress: &mut (dyn FnMut(&str) + Send),
        cancel: &CancellationToken,
    ) -> Result<String, ModelError> {
        let (answer, _) = set_aside_injection(request.answer, &self.lexicon);
        let context = AnswerContext::new(
            request.question,
            request.rubric,
            &answer,
            request.level,
            request.asked,
        );
        let render = |name| {
            self.prompts
                .render(name, &context)
                .map_err(|e| ModelError::BadReply {
                    url: self.client.url().into(),
                    reason: e.to_string(),
                })
        };
        let chat = ChatRequest {
            system: render("interviewer-system.md")?,
            user: render("interviewer-user.md")?,
            temperature: 0.2,
            max_tokens: Some(200),
            format: Format::Text,
        };
        let completion = stream_blocking(&self.client, &chat, progress, cancel)?;
        Ok(completion.text)
    }
}

impl Interviewer for ModelInterviewer {
    fn follow_up(
        &self,
        request: &FollowUpRequest<'_>,
        progress: &mut (dyn FnMut(&str) + Send),
        cancel: &CancellationToken,
    ) -> FollowUp {
        let mut resting = self.resting_until.lock().unwrap_or_else(|e| e.into_inner());
        if resting.is_some_and(|until| Instant::now() < until) {
            return FollowUp {
                probe: self.bank.probe(request),
                notice: None,
            };
        }
        *resting = None;
        drop(resting);
        match self.ask(request, progress, cancel) {
            Ok(text) => match tidy(&text) {
                None => FollowUp::default(),
                Some(probe) if acceptable(&probe, request) => FollowUp {
                    probe: Some(probe),
                    notice: None,
                },
                Some(_) => FollowUp {
                    probe: self.bank.probe(request),
                    notice: None,
                },
            },
            Err(ModelError::Cancelled) => FollowUp::default(),
            Err(error) => {
                if matches!(
                    error,
                    ModelError::Unreachable { .. }
                        | ModelError::Timeout { .. }
                        | ModelError::Auth { .. }
                        | ModelError::NotFound { .. }
                ) {
                    *self.resting_until.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(Instant::now() + REST);
                }
                FollowUp {
                    probe: self.bank.probe(request),
                    notice: Some(format!(
                        "The interviewer model {} did not come back with a question ({error}), so this follow-up is from the question bank.",
                        self.client.model()
                    )),
                }
            }
        }
    }
}

/// The question alone: no surrounding quotes or label; `None` for the model's "nothing to ask".
fn tidy(text: &str) -> Option<String> {
    let text = text
        .trim()
        .trim_matches(['"', '\u{201c}', '\u{201d}'])
        .trim();
    let text = [
        "Follow-up:",
        "Follow-up question:",
        "Interviewer:",
        "Question:",
    ]
    .iter()
    .find_map(|label| text.strip_prefix(label))
    .unwrap_or(text)
    .trim();
    let bare = text.trim_end_matches('.').trim();
    if bare.is_empty() || bare.eq_ignore_ascii_case("none") {
        return None;
    }
    Some(text.to_string())
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether a written question may be asked: not a repeat of one already asked or of the question
/// itself, not a long run of the candidate's own words, and not a talking point spelled out.
fn acceptable(probe: &str, request: &FollowUpRequest<'_>) -> bool {
    let lower = probe.to_lowercase();
    let same = |other: &str| normalized_levenshtein(&lower, &other.to_lowercase()) >= SAME_QUESTION;
    if request.asked.iter().any(|a| same(a)) || same(&request.question.text) {
        return false;
    }
    let (probe_words, answer_words) = (words(probe), words(request.answer));
    let parrots = probe_words
        .windows(PARROT_RUN)
        .any(|run| answer_words.windows(PARROT_RUN).any(|other| other == run));
    let gives_away = request
        .question
        .points
        .iter()
        .any(|p| lower.contains(&p.text.to_lowercase()));
    !parrots && !gives_away
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_keeps_the_question_alone() {
        assert_eq!(
            tidy("  \"Follow-up: What happens when the cache node dies?\" "),
            Some("What happens when the cache node dies?".into())
        );
        assert_eq!(tidy("NONE."), None);
        assert_eq!(tidy("   "), None);
    }

    #[test]
    fn word_runs_are_compared_without_case_or_punctuation() {
        assert_eq!(words("Why, a QUEUE?"), ["why", "a", "queue"]);
    }
}
