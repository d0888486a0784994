//! The loaded content: rubrics, questions with their talking points and probes, topics, plans.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::text::Pattern;

/// The level a question targets and a candidate practises for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Mid,
    Senior,
    Staff,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Mid, Level::Senior, Level::Staff];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Staff => "staff",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| format!("unknown level {s:?}: expected mid, senior or staff"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

/// How the offline scorer rates a rubric dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OfflineSignal {
    Points,
    Reasoning,
    Structure,
    Star,
}

/// Where a piece of content came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: PathBuf,
    pub line: usize,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Rubric {
    pub round: String,
    pub title: String,
    pub version: String,
    pub minutes: u32,
    pub dimensions: Vec<Dimension>,
    #[serde(skip)]
    pub source: Source,
}

impl Rubric {
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Dimension {
    pub id: String,
    pub name: String,
    pub weight: f64,
    pub offline: OfflineSignal,
    /// Descriptors for levels 1 to 4, in order.
    pub levels: [String; 4],
    pub expectations: BTreeMap<Level, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    pub round: String,
    pub text: String,
    pub topics: Vec<String>,
    pub difficulty: Difficulty,
    pub level: Level,
    pub minutes: u32,
    #[serde(rename = "talking_points")]
    pub points: Vec<TalkingPoint>,
    pub probes: Vec<Probe>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip)]
    pub source: Source,
}

impl Question {
    pub fn point(&self, id: &str) -> Option<&TalkingPoint> {
        self.points.iter().find(|p| p.id == id)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TalkingPoint {
    pub id: String,
    pub text: String,
    pub dimensions: Vec<String>,
    pub core: bool,
    pub weight: f64,
    #[serde(serialize_with = "serialize_patterns")]
    pub says: Vec<Pattern>,
    pub wrong: Vec<WrongBelief>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WrongBelief {
    pub text: String,
    #[serde(serialize_with = "serialize_patterns")]
    pub says: Vec<Pattern>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    pub text: String,
    pub points: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Topic {
    pub id: String,
    pub name: String,
    pub round: String,
    #[serde(default = "one")]
    pub min_questions: usize,
}

fn one() -> usize {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanSpec {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub stages: Vec<StageSpec>,
}

/// One part of a plan: questions drawn from one of `rounds`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StageSpec {
    pub rounds: Vec<String>,
    pub questions: usize,
    pub minutes: u32,
}

fn serialize_patterns<S: serde::Serializer>(p: &[Pattern], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(p.iter().map(Pattern::source))
}
