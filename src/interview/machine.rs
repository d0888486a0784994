//! The session state machine. Time comes in with the events (milliseconds since the session
//! started, as measured by the front end); requests for slow work (grading, choosing a follow-up)
//! carry a ticket, and a reply whose ticket is not pending is ignored, so a late reply can never
//! land on the wrong question.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};

use super::events::{Effect, Event, Millis, Phase, Rejection, Warning};
use super::plan::Plan;
use crate::scoring::Score;
use crate::transcript::{
    self, PlanRecord, QuestionRecord, QuestionStatus, SessionStatus, Transcript, Turn, TurnKind,
};

/// What the front end knows before the session starts.
#[derive(Debug, Clone)]
pub struct SessionMeta {
    pub id: String,
    pub started_at: DateTime<Utc>,
    /// Version of each round's rubric.
    pub rubrics: BTreeMap<String, String>,
    /// Follow-ups allowed per question.
    pub follow_ups: u32,
}

#[derive(Debug, Clone)]
pub struct Interview {
    plan: Plan,
    transcript: Transcript,
    phase: Phase,
    follow_ups: u32,
    next_ticket: u64,
    /// Grading requests in flight: ticket -> question.
    scoring: BTreeMap<u64, usize>,
    paused_since: Option<Millis>,
    paused_total: Millis,
    warned: BTreeSet<Warning>,
    debrief_sent: bool,
    /// The follow-up as the interviewer writes it.
    follow_up_text: String,
}

impl Interview {
    pub fn new(plan: Plan, meta: SessionMeta) -> Self {
        let questions = plan
            .stages
            .iter()
            .enumerate()
            .flat_map(|(stage, s)| {
                s.questions.iter().map(move |q| QuestionRecord {
                    id: q.id.clone(),
                    round: q.round.clone(),
                    text: q.text.clone(),
                    minutes: q.minutes,
                    stage,
                    status: QuestionStatus::NotAsked,
                    turns: Vec::new(),
                    scores: Vec::new(),
                    over_time: false,
                    notes: Vec::new(),
                })
            })
            .collect();
        let transcript = Transcript {
            format: transcript::FORMAT,
            id: meta.id,
            started_at: meta.started_at,
            ended_at: None,
            status: SessionStatus::InProgress,
            plan: PlanRecord {
                name: plan.name.clone(),
                title: plan.title.clone(),
                target: plan.target.clone(),
                level: plan.level,
                seed: plan.seed,
                follow_ups: meta.follow_ups,
            },
            rubrics: meta.rubrics,
            active_ms: 0,
            questions,
            written_debrief: None,
        };
        Interview {
            plan,
            transcript,
            phase: Phase::NotStarted,
            follow_ups: meta.follow_ups,
            next_ticket: 1,
            scoring: BTreeMap::new(),
            paused_since: None,
            paused_total: 0,
            warned: BTreeSet::new(),
            debrief_sent: false,
            follow_up_text: String::new(),
        }
    }

    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    /// Grades still being worked on.
    pub fn pending_scores(&self) -> usize {
        self.scoring.len()
    }

    /// Active time (pauses excluded) at wall time `at`.
    pub fn active(&self, at: Millis) -> Millis {
        let paused_now = self
            .paused_since
            .map_or(0, |since| at.saturating_sub(since));
        at.saturating_sub(self.paused_total + paused_now)
    }

    /// Active time spent on the current turn, if one is being answered.
    pub fn answer_elapsed(&self, at: Millis) -> Option<Millis> {
        let Phase::Answering { question, turn } = self.phase else {
            return None;
        };
        let asked = self.transcript.questions[question].turns[turn].asked_ms;
        Some(self.active(at).saturating_sub(asked))
    }

    /// Active time spent in a stage: answered turns plus the one in progress.
    pub fn stage_elapsed(&self, stage: usize, at: Millis) -> Millis {
        let now = self.active(at);
        self.transcript
            .questions
            .iter()
            .filter(|q| q.stage == stage)
            .flat_map(|q| &q.turns)
            .map(|t| t.answered_ms.unwrap_or(now).saturating_sub(t.asked_ms))
            .sum()
    }

    /// What the interviewer has written of the follow-up so far (empty while it is thinking).
    pub fn follow_up_text(&self) -> Option<&str> {
        matches!(self.phase, Phase::AwaitingFollowUp { .. }).then_some(self.follow_up_text.as_str())
    }

    /// The question being asked or followed up, if any.
    pub fn current_question(&self) -> Option<usize> {
        match self.phase {
            Phase::Answering { question, .. } | Phase::AwaitingFollowUp { question, .. } => {
                Some(question)
            }
            _ => None,
        }
    }

    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Start { at } => self.start(at),
            Event::Submit { at, text } => self.submit(at, text),
            Event::Skip { at } => self.skip(at),
            Event::Pause { at } => self.pause(at),
            Event::Resume { at } => self.resume(at),
            Event::Tick { at } => self.tick(at),
            Event::End { at, draft } => self.end(at, draft),
            Event::FollowUpText { ticket, text } => {
                if matches!(self.phase, Phase::AwaitingFollowUp { ticket: t, .. } if t == ticket) {
                    self.follow_up_text = text;
                }
                Vec::new()
            }
            Event::FollowUpReady {
                at,
                ticket,
                probe,
                notice,
            } => self.follow_up_ready(at, ticket, probe, notice),
            Event::DebriefWritten { by, text } => {
                self.transcript.written_debrief = Some(transcript::WrittenDebrief { by, text });
                vec![Effect::Persist]
            }
            Event::Scored { ticket, score } => self.scored(ticket, Ok(*score)),
            Event::ScoreFailed { ticket, reason } => self.scored(ticket, Err(reason)),
        }
    }

    /// Checks that the candidate may act now.
    fn guard(&self) -> Result<(), Rejection> {
        match self.phase {
            Phase::NotStarted => Err(Rejection::NotStarted),
            Phase::Finished => Err(Rejection::Finished),
            _ if self.is_paused() => Err(Rejection::Paused),
            _ => Ok(()),
        }
    }

    fn start(&mut self, at: Millis) -> Vec<Effect> {
        if self.phase != Phase::NotStarted {
            return vec![Effect::Rejected(Rejection::AlreadyStarted)];
        }
        let mut effects = self.ask_next(at, 0);
        effects.insert(0, Effect::Persist);
        effects
    }

    fn submit(&mut self, at: Millis, text: String) -> Vec<Effect> {
        if let Err(r) = self.guard() {
            return vec![Effect::Rejected(r)];
        }
        let Phase::Answering { question, turn } = self.phase else {
            return vec![Effect::Rejected(Rejection::WaitingForInterviewer)];
        };
        if text.trim().is_empty() {
            return self.skip(at);
        }
        let now = self.active(at);
        let record = &mut self.transcript.questions[question];
        record.turns[turn].answer = Some(text);
        record.turns[turn].answered_ms = Some(now);
        record.status = QuestionStatus::Answered;
        self.transcript.active_ms = now;

        let asked_follow_ups = record
            .turns
            .iter()
            .filter(|t| t.kind == TurnKind::FollowUp)
            .count() as u32;
        let mut effects = vec![Effect::Persist];
        if asked_follow_ups < self.follow_ups {
            let ticket = self.ticket();
            let record = &self.transcript.questions[question];
            effects.push(Effect::FindFollowUp {
                ticket,
                question,
                answer: record.combined_answer(),
                asked: record
                    .turns
                    .iter()
                    .filter(|t| t.kind == TurnKind::FollowUp)
                    .map(|t| t.prompt.clone())
                    .collect(),
            });
            self.phase = Phase::AwaitingFollowUp { question, ticket };
            self.follow_up_text.clear();
        } else {
            effects.extend(self.finish_question(question, at));
        }
        effects
    }

    fn skip(&mut self, at: Millis) -> Vec<Effect> {
        if let Err(r) = self.guard() {
            return vec![Effect::Rejected(r)];
        }
        if let Phase::AwaitingFollowUp { question, ticket } = self.phase {
            // The candidate does not want to wait for the follow-up: move on without it.
            let mut effects = vec![Effect::CancelFollowUp { ticket }];
            effects.extend(self.finish_question(question, at));
            return effects;
        }
        let Phase::Answering { question, turn } = self.phase else {
            return vec![Effect::Rejected(Rejection::WaitingForInterviewer)];
        };
        let now = self.active(at);
        let record = &mut self.transcript.questions[question];
        record.turns[turn].skipped = true;
        record.turns[turn].answered_ms = Some(now);
        if !record.answered() {
            record.status = QuestionStatus::Skipped;
        }
        self.transcript.active_ms = now;
        let mut effects = vec![Effect::Persist];
        effects.extend(self.finish_question(question, at));
        effects
    }

    fn pause(&mut self, at: Millis) -> Vec<Effect> {
        if let Err(r) = self.guard() {
            return vec![Effect::Rejected(r)];
        }
        self.paused_since = Some(at);
        Vec::new()
    }

    fn resume(&mut self, at: Millis) -> Vec<Effect> {
        let Some(since) = self.paused_since else {
            return vec![Effect::Rejected(Rejection::NotPaused)];
        };
        self.paused_total += at.saturating_sub(since);
        self.paused_since = None;
        Vec::new()
    }

    /// Budgets warn once each and never stop the candidate.
    fn tick(&mut self, at: Millis) -> Vec<Effect> {
        if self.is_paused() {
            return Vec::new();
        }
        let Phase::Answering { question, .. } = self.phase else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        let record = &self.transcript.questions[question];
        let (stage, budget) = (record.stage, u64::from(record.minutes) * 60_000);
        let spent: Millis = record
            .turns
            .iter()
            .map(|t| {
                t.answered_ms
                    .unwrap_or(self.active(at))
                    .saturating_sub(t.asked_ms)
            })
            .sum();
        if spent >= budget && self.warned.insert(Warning::AnswerOverTime { question }) {
            self.transcript.questions[question].over_time = true;
            effects.push(Effect::Warn(Warning::AnswerOverTime { question }));
        }
        let stage_budget = u64::from(self.plan.stages[stage].minutes) * 60_000;
        if self.stage_elapsed(stage, at) >= stage_budget
            && self.warned.insert(Warning::RoundOverTime { stage })
        {
            effects.push(Effect::Warn(Warning::RoundOverTime { stage }));
        }
        effects
    }

    fn end(&mut self, at: Millis, draft: Option<String>) -> Vec<Effect> {
        if self.phase == Phase::Finished {
            return vec![Effect::Rejected(Rejection::Finished)];
        }
        if self.paused_since.is_some() {
            self.resume(at);
        }
        let now = self.active(at);
        let mut effects = Vec::new();
        match self.phase.clone() {
            Phase::Answering { question, turn } => {
                let record = &mut self.transcript.questions[question];
                if let Some(draft) = draft.filter(|d| !d.trim().is_empty()) {
                    record.turns[turn].answer = Some(draft);
                    record.status = QuestionStatus::Answered;
                }
                record.turns[turn].answered_ms = Some(now);
                effects.extend(self.score_question(question));
            }
            Phase::AwaitingFollowUp { question, ticket } => {
                effects.push(Effect::CancelFollowUp { ticket });
                effects.extend(self.score_question(question))
            }
            Phase::NotStarted | Phase::Finished => {}
        }
        self.transcript.active_ms = now;
        self.transcript.status = SessionStatus::EndedEarly;
        effects.extend(self.finish(at));
        effects
    }

    fn follow_up_ready(
        &mut self,
        at: Millis,
        ticket: u64,
        probe: Option<String>,
        notice: Option<String>,
    ) -> Vec<Effect> {
        let Phase::AwaitingFollowUp {
            question,
            ticket: expected,
        } = self.phase
        else {
            return Vec::new();
        };
        if ticket != expected {
            return Vec::new();
        }
        let mut noticed = Vec::new();
        if let Some(notice) = notice {
            self.transcript.questions[question]
                .notes
                .push(notice.clone());
            noticed.push(Effect::Notice(notice));
        }
        let record = &self.transcript.questions[question];
        let repeated = |p: &String| record.turns.iter().any(|t| t.prompt.trim() == p.trim());
        match probe.filter(|p| !p.trim().is_empty() && !repeated(p)) {
            Some(probe) => {
                let now = self.active(at);
                let record = &mut self.transcript.questions[question];
                record.turns.push(Turn {
                    kind: TurnKind::FollowUp,
                    prompt: probe,
                    answer: None,
                    skipped: false,
                    asked_ms: now,
                    answered_ms: None,
                });
                let turn = record.turns.len() - 1;
                self.phase = Phase::Answering { question, turn };
                noticed.extend([Effect::Persist, Effect::Ask { question, turn }]);
            }
            None => noticed.extend(self.finish_question(question, at)),
        }
        noticed
    }

    fn scored(&mut self, ticket: u64, result: Result<Score, String>) -> Vec<Effect> {
        let Some(question) = self.scoring.remove(&ticket) else {
            return Vec::new();
        };
        let record = &mut self.transcript.questions[question];
        let mut effects = Vec::new();
        match result {
            Ok(score) => {
                if let Some(notice) = &score.notice {
                    effects.push(Effect::Notice(notice.clone()));
                }
                record.scores.push(score);
            }
            Err(reason) => {
                effects.push(Effect::Notice(reason.clone()));
                record.notes.push(reason);
            }
        }
        effects.push(Effect::Persist);
        effects.extend(self.debrief_if_ready());
        effects
    }

    /// Grades the question if anything was said, then moves on.
    fn finish_question(&mut self, question: usize, at: Millis) -> Vec<Effect> {
        let mut effects = self.score_question(question);
        effects.extend(self.ask_next(at, question + 1));
        effects
    }

    fn score_question(&mut self, question: usize) -> Vec<Effect> {
        let record = &self.transcript.questions[question];
        if !record.answered() {
            return Vec::new();
        }
        let answer = record.combined_answer();
        let ticket = self.ticket();
        self.scoring.insert(ticket, question);
        vec![Effect::Score {
            ticket,
            question,
            answer,
        }]
    }

    fn ask_next(&mut self, at: Millis, from: usize) -> Vec<Effect> {
        if from >= self.transcript.questions.len() {
            self.transcript.status = SessionStatus::Completed;
            return self.finish(at);
        }
        let now = self.active(at);
        let record = &mut self.transcript.questions[from];
        record.status = QuestionStatus::Asked;
        record.turns.push(Turn {
            kind: TurnKind::Question,
            prompt: record.text.clone(),
            answer: None,
            skipped: false,
            asked_ms: now,
            answered_ms: None,
        });
        self.phase = Phase::Answering {
            question: from,
            turn: 0,
        };
        vec![Effect::Ask {
            question: from,
            turn: 0,
        }]
    }

    fn finish(&mut self, at: Millis) -> Vec<Effect> {
        self.phase = Phase::Finished;
        self.transcript.ended_at =
            Some(self.transcript.started_at + Duration::milliseconds(at as i64));
        let mut effects = vec![Effect::Persist, Effect::Finished];
        effects.extend(self.debrief_if_ready());
        effects
    }

    fn debrief_if_ready(&mut self) -> Option<Effect> {
        (self.phase == Phase::Finished && self.scoring.is_empty() && !self.debrief_sent).then(
            || {
                self.debrief_sent = true;
                Effect::DebriefReady
            },
        )
    }

    fn ticket(&mut self) -> u64 {
        let t = self.next_ticket;
        self.next_ticket += 1;
        t
    }
}
