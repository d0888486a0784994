//! What a scorer returns, as stored in transcripts and printed by `hotseat answer --json`.

use serde::{Deserialize, Serialize};

use crate::content::Level;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// `offline`, or `model:NAME` when a model graded the answer.
    pub scorer: String,
    /// True when the result is an offline estimate rather than a model's grade.
    pub estimate: bool,
    /// How to present the result: "offline estimate" or "model grade".
    pub label: String,
    /// 1 (strong no hire) to 4 (strong hire), one decimal.
    pub overall: f64,
    pub verdict: String,
    pub target_level: Level,
    pub rubric_version: String,
    pub dimensions: Vec<DimensionScore>,
    pub talking_points: Vec<PointScore>,
    #[serde(default)]
    pub misconceptions: Vec<Misconception>,
    /// Short machine-readable markers: `empty`, `off-topic`, `misses-core`, `not-a-story`, `buzzwords`, `misconception`,
    /// `contradiction`, `injection`, `no-talking-points`.
    pub flags: Vec<String>,
    /// Probes an interviewer could ask next, aimed at what the answer missed.
    #[serde(default)]
    pub follow_ups: Vec<String>,
    pub words: usize,
    /// One sentence for the candidate when something went wrong (the model could not grade and
    /// this is the offline estimate instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// When the answer was graded several times (`--samples N`): every overall and their spread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<Samples>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Samples {
    /// Each grading's overall, in the order they came back; the score reports their median.
    pub overalls: Vec<f64>,
    /// Highest minus lowest overall.
    pub spread: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub id: String,
    pub name: String,
    pub level: u8,
    pub reason: String,
    /// What would lift it: offline, the rubric's descriptor of the next level up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improve: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credit {
    Missed,
    Mentioned,
    Explained,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointScore {
    pub id: String,
    pub text: String,
    pub covered: bool,
    pub credit: Credit,
    /// The sentence(s) of the answer that covered the point.
    pub evidence: Option<String>,
}

/// A wrong belief the answer stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Misconception {
    pub point: String,
    pub text: String,
    pub evidence: String,
}

/// The flag on an offline estimate that stands in for a failed model grade.
pub const NEEDS_RESCORE: &str = "needs-rescore";

/// The rubric's words for a level.
pub fn verdict(level: f64) -> &'static str {
    match level.round() as i64 {
        i64::MIN..=1 => "strong no hire",
        2 => "lean no hire",
        3 => "lean hire",
        _ => "strong hire",
    }
}

impl Score {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    /// Whether a model should grade it again: it holds an offline estimate standing in for a
    /// model grade that failed.
    pub fn needs_rescore(&self) -> bool {
        self.has_flag(NEEDS_RESCORE)
    }

    pub fn covered(&self) -> usize {
        self.talking_points.iter().filter(|p| p.covered).count()
    }
}
