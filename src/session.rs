//! Running one interview: feeds events to the state machine and carries out its effects (saving,
//! grading and choosing follow-ups on worker threads). Both front ends drive a `Session`; what is
//! left for them to show comes back as `Outcome`s.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;
use std::time::Instant;

use crate::content::{Bank, Level};
use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::debrief::Debriefer;
use crate::interview::{Effect, Event, Interview, Millis, Plan, Rejection, SessionMeta, Warning};
use crate::interviewer::{FollowUpRequest, Interviewer, ProbeInterviewer};
use crate::scoring::offline::OfflineScorer;
use crate::scoring::{Score, ScoreRequest, Scorer};
use crate::store::{DirStore, Store};

/// The parts a session works with, shared with its worker threads.
pub struct Services {
    pub bank: Bank,
    pub scorer: Box<dyn Scorer>,
    pub interviewer: Box<dyn Interviewer>,
    pub store: Box<dyn Store>,
    /// Writes the debrief's summary; `None` offline.
    pub debriefer: Option<Box<dyn Debriefer>>,
}

impl Services {
    /// Everything on the offline scorer, with sessions kept under `data_dir`.
    pub fn offline(bank: Bank, data_dir: &Path) -> Arc<Services> {
        let scorer = OfflineScorer::new(bank.lexicon.clone());
        Arc::new(Services {
            interviewer: Box::new(ProbeInterviewer::new(scorer.clone())),
            scorer: Box::new(scorer),
            store: Box::new(DirStore::new(data_dir)),
            debriefer: None,
            bank,
        })
    }
}

/// Carries out the grading among `effects` at once, on this thread, and feeds each grade back:
/// for work outside a live session (benchmarks, tests, regrading stored answers).
pub fn grade_now(interview: &mut Interview, effects: Vec<Effect>, services: &Services) {
    let level = interview.plan().level;
    for effect in effects {
        if let Effect::Score {
            ticket,
            question,
            answer,
        } = effect
        {
            let id = interview.transcript().questions[question].id.clone();
            let event = match grade(services, &id, &answer, level) {
                Ok(score) => Event::Scored {
                    ticket,
                    score: Box::new(score),
                },
                Err(reason) => Event::ScoreFailed { ticket, reason },
            };
            interview.handle(event);
        }
    }
}

/// A worker's answer, stamped with the time when the session takes it in.
#[derive(Debug)]
pub enum Reply {
    /// The follow-up as written so far.
    FollowUpText { ticket: u64, text: String },
    FollowUp {
        ticket: u64,
        probe: Option<String>,
        notice: Option<String>,
    },
    Scored {
        ticket: u64,
        result: Result<Box<Score>, String>,
    },
    /// The written debrief so far.
    DebriefText(String),
    /// The written debrief, finished (who wrote it, the text), or why not.
    DebriefWritten(Result<(String, String), String>),
}

/// Where the written debrief stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Writing {
    /// No model writes one (offline), or nothing was answered.
    None,
    /// Asked for; nothing has arrived yet.
    Thinking,
    /// The text so far, or all of it once `done`.
    Text {
        text: String,
        done: bool,
    },
    Failed(String),
}

/// What a front end has to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ask {
        question: usize,
        turn: usize,
    },
    Warn(Warning),
    /// Something went wrong and was worked around; one sentence for the candidate.
    Notice(String),
    /// The interviewer's follow-up has grown (see `Interview::follow_up_text`).
    FollowUpText,
    /// The written debrief has grown or finished (see `Session::writing`).
    DebriefText,
    Finished,
    DebriefReady,
    Rejected(Rejection),
    /// Saving failed; the transcript is still in memory and the next save tries again.
    SaveFailed(String),
}

pub struct Session {
    interview: Interview,
    services: Arc<Services>,
    replies: Sender<Reply>,
    started: Instant,
    /// Follow-ups being chosen, by ticket, so that they can be called off.
    follow_ups: BTreeMap<u64, CancellationToken>,
    writing: Writing,
}

impl Session {
    /// A new session for a plan, named by its start time, with the rubric versions it grades by.
    pub fn create(
        services: &Arc<Services>,
        plan: Plan,
        follow_ups: u32,
    ) -> (Session, Receiver<Reply>) {
        let started_at = Utc::now();
        let id = format!(
            "{}-{}-{:04x}",
            started_at.format("%Y%m%d-%H%M%S"),
            plan.name,
            fastrand::u16(..)
        );
        let rubrics = plan
            .stages
            .iter()
            .filter_map(|s| services.bank.rubric(&s.round))
            .map(|r| (r.round.clone(), r.version.clone()))
            .collect();
        let interview = Interview::new(
            plan,
            SessionMeta {
                id,
                started_at,
                rubrics,
                follow_ups,
            },
        );
        Session::new(interview, services.clone())
    }

    /// A session and the channel its workers reply on.
    pub fn new(interview: Interview, services: Arc<Services>) -> (Session, Receiver<Reply>) {
        let (replies, rx) = channel();
        let session = Session {
            interview,
            services,
            replies,
            started: Instant::now(),
            follow_ups: BTreeMap::new(),
            writing: Writing::None,
        };
        (session, rx)
    }

    pub fn interview(&self) -> &Interview {
        &self.interview
    }

    /// The written debrief, as far as it has got.
    pub fn writing(&self) -> &Writing {
        &self.writing
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Milliseconds since the session was created.
    pub fn now(&self) -> Millis {
        self.started.elapsed().as_millis() as Millis
    }

    pub fn start(&mut self) -> Vec<Outcome> {
        let at = self.now();
        self.handle(Event::Start { at })
    }

    pub fn submit(&mut self, text: String) -> Vec<Outcome> {
        let at = self.now();
        self.handle(Event::Submit { at, text })
    }

    pub fn skip(&mut self) -> Vec<Outcome> {
        let at = self.now();
        self.handle(Event::Skip { at })
    }

    pub fn toggle_pause(&mut self) -> Vec<Outcome> {
        let at = self.now();
        if self.interview.is_paused() {
            self.handle(Event::Resume { at })
        } else {
            self.handle(Event::Pause { at })
        }
    }

    pub fn tick(&mut self) -> Vec<Outcome> {
        let at = self.now();
        self.handle(Event::Tick { at })
    }

    pub fn end(&mut self, draft: Option<String>) -> Vec<Outcome> {
        let at = self.now();
        self.handle(Event::End { at, draft })
    }

    pub fn receive(&mut self, reply: Reply) -> Vec<Outcome> {
        let event = match reply {
            Reply::FollowUpText { ticket, text } => {
                self.interview.handle(Event::FollowUpText { ticket, text });
                return if self.follow_ups.contains_key(&ticket) {
                    vec![Outcome::FollowUpText]
                } else {
                    Vec::new()
                };
            }
            Reply::FollowUp {
                ticket,
                probe,
                notice,
            } => {
                self.follow_ups.remove(&ticket);
                Event::FollowUpReady {
                    at: self.now(),
                    ticket,
                    probe,
                    notice,
                }
            }
            Reply::DebriefText(text) => {
                self.writing = Writing::Text { text, done: false };
                return vec![Outcome::DebriefText];
            }
            Reply::DebriefWritten(Err(why)) => {
                self.writing = Writing::Failed(why.clone());
                return vec![Outcome::DebriefText, Outcome::Notice(why)];
            }
            Reply::DebriefWritten(Ok((by, text))) => {
                self.writing = Writing::Text {
                    text: text.clone(),
                    done: true,
                };
                let mut outcomes = vec![Outcome::DebriefText];
                outcomes.extend(self.handle(Event::DebriefWritten { by, text }));
                return outcomes;
            }
            Reply::Scored {
                ticket,
                result: Ok(score),
            } => Event::Scored { ticket, score },
            Reply::Scored {
                ticket,
                result: Err(reason),
            } => Event::ScoreFailed { ticket, reason },
        };
        self.handle(event)
    }

    pub fn handle(&mut self, event: Event) -> Vec<Outcome> {
        let effects = self.interview.handle(event);
        let mut outcomes = Vec::new();
        for effect in effects {
            match effect {
                Effect::Ask { question, turn } => outcomes.push(Outcome::Ask { question, turn }),
                Effect::Persist => {
                    if let Err(e) = self.services.store.save(self.interview.transcript()) {
                        outcomes.push(Outcome::SaveFailed(e.to_string()));
                    }
                }
                Effect::Score {
                    ticket,
                    question,
                    answer,
                } => self.spawn_score(ticket, question, answer),
                Effect::FindFollowUp {
                    ticket,
                    question,
                    answer,
                    asked,
                } => self.spawn_follow_up(ticket, question, answer, asked),
                Effect::CancelFollowUp { ticket } => {
                    if let Some(cancel) = self.follow_ups.remove(&ticket) {
                        cancel.cancel();
                    }
                }
                Effect::Warn(w) => outcomes.push(Outcome::Warn(w)),
                Effect::Notice(n) => outcomes.push(Outcome::Notice(n)),
                Effect::Finished => outcomes.push(Outcome::Finished),
                Effect::DebriefReady => {
                    self.write_debrief();
                    outcomes.push(Outcome::DebriefReady);
                }
                Effect::Rejected(r) => outcomes.push(Outcome::Rejected(r)),
            }
        }
        outcomes
    }

    /// Asks the debriefer, if there is one, for the written debrief of what was answered.
    fn write_debrief(&mut self) {
        if self.services.debriefer.is_none() || self.interview.transcript().answered() == 0 {
            return;
        }
        self.writing = Writing::Thinking;
        let (services, replies) = (self.services.clone(), self.replies.clone());
        let transcript = self.interview.transcript().clone();
        thread::spawn(move || {
            let Some(debriefer) = &services.debriefer else {
                return;
            };
            let progress_to = replies.clone();
            let mut progress = |text: &str| {
                let _ = progress_to.send(Reply::DebriefText(text.to_string()));
            };
            let result = debriefer
                .write(&transcript, &mut progress, &CancellationToken::new())
                .map(|text| (debriefer.identity(), text));
            let _ = replies.send(Reply::DebriefWritten(result));
        });
    }

    fn question_id(&self, question: usize) -> String {
        self.interview.transcript().questions[question].id.clone()
    }

    fn level(&self) -> Level {
        self.interview.plan().level
    }

    /// Runs `job` on a worker thread with the question's id and the session's level; its reply
    /// comes back on the session's channel. If the session is gone by then (the candidate quit),
    /// nobody needs the reply and it is dropped.
    fn spawn(
        &self,
        question: usize,
        job: impl FnOnce(&Services, &str, Level) -> Reply + Send + 'static,
    ) {
        let (services, replies, id, level) = (
            self.services.clone(),
            self.replies.clone(),
            self.question_id(question),
            self.level(),
        );
        thread::spawn(move || {
            let _ = replies.send(job(&services, &id, level));
        });
    }

    fn spawn_score(&self, ticket: u64, question: usize, answer: String) {
        self.spawn(question, move |services, id, level| Reply::Scored {
            ticket,
            result: grade(services, id, &answer, level).map(Box::new),
        });
    }

    fn spawn_follow_up(
        &mut self,
        ticket: u64,
        question: usize,
        answer: String,
        asked: Vec<String>,
    ) {
        let cancel = CancellationToken::new();
        self.follow_ups.insert(ticket, cancel.clone());
        let progress_to = self.replies.clone();
        self.spawn(question, move |services, id, level| {
            let mut progress = |text: &str| {
                let _ = progress_to.send(Reply::FollowUpText {
                    ticket,
                    text: text.to_string(),
                });
            };
            let chosen = services.bank.question(id).and_then(|q| {
                let rubric = services.bank.rubric(&q.round)?;
                let request = FollowUpRequest {
                    question: q,
                    rubric,
                    answer: &answer,
                    asked: &asked,
                    level,
                };
                Some(
                    services
                        .interviewer
                        .follow_up(&request, &mut progress, &cancel),
                )
            });
            let chosen = chosen.unwrap_or_default();
            Reply::FollowUp {
                ticket,
                probe: chosen.probe,
                notice: chosen.notice,
            }
        });
    }
}

/// Grades one answer to a bank question.
pub fn grade(
    services: &Services,
    question_id: &str,
    answer: &str,
    level: Level,
) -> Result<Score, String> {
    let question = services.bank.question(question_id).ok_or_else(|| {
        format!("question {question_id:?} is no longer in the bank, so it was not graded")
    })?;
    let rubric = services.bank.rubric(&question.round).ok_or_else(|| {
        format!(
            "round {:?} has no rubric, so the answer was not graded",
            question.round
        )
    })?;
    services
        .scorer
        .score(&ScoreRequest {
            question,
            rubric,
            answer,
            level,
        })
        .map_err(|e| e.to_string())
}
