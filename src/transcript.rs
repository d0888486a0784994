//! The transcript of one session: every question, answer, follow-up, timing and score. It is
//! what the store writes (versioned, human-readable JSON) and what `review` reads back.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::content::Level;
use crate::scoring::Score;

/// Bumped when the shape changes in a way older readers cannot follow.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub format: u32,
    pub id: String,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    pub status: SessionStatus,
    pub plan: PlanRecord,
    /// The version of each round's rubric the session was graded with.
    pub rubrics: BTreeMap<String, String>,
    /// Time spent in the interview, pauses excluded.
    pub active_ms: u64,
    pub questions: Vec<QuestionRecord>,
    /// The hiring-committee summary a model wrote once every answer was graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_debrief: Option<WrittenDebrief>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrittenDebrief {
    /// `model:NAME`.
    pub by: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionStatus {
    InProgress,
    Completed,
    EndedEarly,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRecord {
    /// `screen`, `onsite` or `practice`.
    pub name: String,
    pub title: String,
    /// What was practised (a round, topic or question id), for `practice`.
    #[serde(default)]
    pub target: Option<String>,
    pub level: Level,
    pub seed: u64,
    pub follow_ups: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionRecord {
    pub id: String,
    pub round: String,
    pub text: String,
    /// The answer's time budget.
    pub minutes: u32,
    /// Which stage (round) of the plan it belongs to.
    pub stage: usize,
    pub status: QuestionStatus,
    pub turns: Vec<Turn>,
    /// Every grade it received, oldest first; a regrade adds beside the earlier ones.
    pub scores: Vec<Score>,
    #[serde(default)]
    pub over_time: bool,
    /// Things that went wrong while handling it, in one sentence each.
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionStatus {
    NotAsked,
    Asked,
    Answered,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub kind: TurnKind,
    pub prompt: String,
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub skipped: bool,
    /// Active time since the session started when it was asked and answered.
    pub asked_ms: u64,
    #[serde(default)]
    pub answered_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TurnKind {
    Question,
    FollowUp,
}

impl QuestionRecord {
    /// The latest grade.
    pub fn score(&self) -> Option<&Score> {
        self.scores.last()
    }

    /// Everything the candidate said for this question, follow-ups included, as one text to grade.
    pub fn combined_answer(&self) -> String {
        self.turns
            .iter()
            .filter_map(|t| t.answer.as_deref())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    pub fn answered(&self) -> bool {
        self.turns.iter().any(|t| t.answer.is_some())
    }

    /// Active time spent answering.
    pub fn answer_ms(&self) -> u64 {
        self.turns
            .iter()
            .filter_map(|t| t.answered_ms.map(|a| a.saturating_sub(t.asked_ms)))
            .sum()
    }
}

impl Transcript {
    pub fn answered(&self) -> usize {
        self.questions.iter().filter(|q| q.answered()).count()
    }

    /// Mean of the latest grade of every graded question.
    pub fn overall(&self) -> Option<f64> {
        let grades: Vec<f64> = self
            .questions
            .iter()
            .filter_map(|q| q.score())
            .map(|s| s.overall)
            .collect();
        mean_grade(&grades)
    }

    /// Mean latest grade per round, in the order the rounds were asked.
    pub fn by_round(&self) -> Vec<(String, f64)> {
        let mut rounds: Vec<(String, Vec<f64>)> = Vec::new();
        for q in &self.questions {
            let Some(score) = q.score() else { continue };
            match rounds.iter_mut().find(|(r, _)| *r == q.round) {
                Some((_, v)) => v.push(score.overall),
                None => rounds.push((q.round.clone(), vec![score.overall])),
            }
        }
        rounds
            .into_iter()
            .filter_map(|(r, v)| Some((r, mean_grade(&v)?)))
            .collect()
    }
}

/// The mean of some grades to one decimal, as sessions and rounds are reported; `None` for none.
pub fn mean_grade(grades: &[f64]) -> Option<f64> {
    (!grades.is_empty())
        .then(|| (grades.iter().sum::<f64>() / grades.len() as f64 * 10.0).round() / 10.0)
}
