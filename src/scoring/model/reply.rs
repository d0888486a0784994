//! Turning a model's grading reply into a `Score`, trusting nothing: levels are clamped, every
//! evidence quote is checked against the answer (a quote that is not in it is dropped and its
//! dimension flagged), and what the reply leaves out is taken from the offline estimate and flagged.

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

use super::json::{JsonError, extract_object};
use crate::content::{Level, Question, Rubric};
use crate::scoring::{Credit, DimensionScore, PointScore, Score, verdict};

pub const LABEL: &str = "model grade";

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReplyError {
    #[error(transparent)]
    Json(#[from] JsonError),
    #[error("the reply grades none of the rubric's dimensions")]
    Empty,
}

/// What a reply is checked against.
pub struct ReplyContext<'a> {
    pub question: &'a Question,
    pub rubric: &'a Rubric,
    /// The answer as the model saw it.
    pub answer: &'a str,
    pub level: Level,
    pub model: &'a str,
    /// The offline estimate of the same answer, for whatever the reply leaves out.
    pub fallback: &'a Score,
}

#[derive(Deserialize)]
struct RawReply {
    #[serde(default)]
    dimensions: Vec<RawDimension>,
    #[serde(default)]
    talking_points: Vec<RawPoint>,
    #[serde(default)]
    overall: Option<Value>,
    #[serde(default)]
    injection: Option<String>,
}

#[derive(Deserialize)]
struct RawDimension {
    id: String,
    #[serde(default)]
    level: Option<Value>,
    #[serde(default)]
    evidence: Option<String>,
    #[serde(default)]
    missing: Option<String>,
    #[serde(default)]
    improvement: Option<String>,
}

#[derive(Deserialize)]
struct RawPoint {
    id: String,
    #[serde(default)]
    covered: Option<Value>,
}

/// A number, or a number written as a string ("3", "3/4").
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.split('/').next()?.trim().parse().ok(),
        _ => None,
    }
}

fn truthy(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "covered" => Some(true),
            "false" | "no" | "missed" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Lower-cased, with curly quotes straightened and runs of white space made one space.
fn normalise(text: &str) -> String {
    text.replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a quote really is in the answer (ignoring case, quote style, spacing and an ellipsis
/// or quotation marks around it).
pub fn quoted_from(answer: &str, quote: &str) -> bool {
    let quote = quote
        .trim()
        .trim_matches(['"', '\u{201c}', '\u{201d}', '\'', '…', '.'])
        .trim();
    !quote.is_empty() && normalise(answer).contains(&normalise(quote))
}

/// The text the model reported as addressed to it, when it reported any.
pub fn reported_injection(text: &str) -> Option<String> {
    let value = extract_object(text).ok()?;
    let injection = value.get("injection")?.as_str()?.trim();
    (!injection.is_empty()).then(|| injection.to_string())
}

pub fn score_from_reply(text: &str, cx: &ReplyContext<'_>) -> Result<Score, ReplyError> {
    let value = extract_object(text)?;
    let raw: RawReply =
        serde_json::from_value(value).map_err(|e| JsonError::Invalid(e.to_string()))?;
    let mut flags: Vec<String> = Vec::new();
    let mut dimensions = Vec::new();
    let mut graded = 0;
    for d in &cx.rubric.dimensions {
        let reply = raw.dimensions.iter().find(|r| r.id == d.id);
        let level = reply.and_then(|r| r.level.as_ref()).and_then(number);
        let Some((reply, level)) = reply.zip(level) else {
            // Left out: the offline estimate stands in, and says so.
            if let Some(offline) = cx.fallback.dimensions.iter().find(|o| o.id == d.id) {
                dimensions.push(offline.clone());
            }
            flags.push(format!("offline-dimension:{}", d.id));
            continue;
        };
        graded += 1;
        let evidence = reply
            .evidence
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        let evidence = match evidence {
            Some(quote) if quoted_from(cx.answer, quote) => Some(quote.to_string()),
            Some(_) => {
                flags.push(format!("unsupported-evidence:{}", d.id));
                None
            }
            None => None,
        };
        let level = level.round().clamp(1.0, 4.0) as u8;
        let missing = reply
            .missing
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        dimensions.push(DimensionScore {
            id: d.id.clone(),
            name: d.name.clone(),
            level,
            reason: match (&evidence, missing) {
                (Some(e), Some(m)) => format!("“{e}” Missing: {m}"),
                (Some(e), None) => format!("“{e}”"),
                (None, Some(m)) => format!("Missing: {m}"),
                (None, None) => String::new(),
            },
            improve: reply.improvement.clone().filter(|i| !i.trim().is_empty()),
        });
    }
    if graded == 0 {
        return Err(ReplyError::Empty);
    }

    let talking_points: Vec<PointScore> = cx
        .question
        .points
        .iter()
        .map(|p| {
            let said = raw
                .talking_points
                .iter()
                .find(|r| r.id == p.id)
                .and_then(|r| r.covered.as_ref())
                .and_then(truthy);
            let offline = cx.fallback.talking_points.iter().find(|o| o.id == p.id);
            let covered = said.unwrap_or_else(|| offline.is_some_and(|o| o.covered));
            PointScore {
                id: p.id.clone(),
                text: p.text.clone(),
                covered,
                credit: if covered {
                    Credit::Explained
                } else {
                    Credit::Missed
                },
                evidence: offline.filter(|_| covered).and_then(|o| o.evidence.clone()),
            }
        })
        .collect();
    if raw.talking_points.len() < cx.question.points.len() {
        flags.push("offline-talking-points".into());
    }

    let weights: f64 = cx.rubric.dimensions.iter().map(|d| d.weight).sum();
    let weighted = cx
        .rubric
        .dimensions
        .iter()
        .zip(&dimensions)
        .map(|(d, s)| d.weight * f64::from(s.level))
        .sum::<f64>()
        / weights;
    // The model's own overall is kept only near what its dimension levels add up to: an overall
    // that disagrees with its own grades is not evidence of anything.
    let overall = raw
        .overall
        .as_ref()
        .and_then(number)
        .unwrap_or(weighted)
        .clamp(weighted - 0.5, weighted + 0.5)
        .clamp(1.0, 4.0);
    let overall = (overall * 10.0).round() / 10.0;

    if raw
        .injection
        .as_deref()
        .is_some_and(|i| !i.trim().is_empty())
        || cx.fallback.has_flag("injection")
    {
        flags.push("injection".into());
    }
    let weak = |id: &String| talking_points.iter().any(|p| &p.id == id && !p.covered);
    let follow_ups = cx
        .question
        .probes
        .iter()
        .filter(|probe| probe.points.iter().any(weak))
        .map(|probe| probe.text.clone())
        .take(3)
        .collect();
    Ok(Score {
        scorer: format!("model:{}", cx.model),
        estimate: false,
        label: LABEL.into(),
        overall,
        verdict: verdict(overall).into(),
        target_level: cx.level,
        rubric_version: cx.rubric.version.clone(),
        dimensions,
        talking_points,
        misconceptions: Vec::new(),
        flags,
        follow_ups,
        words: cx.fallback.words,
        notice: None,
        samples: None,
    })
}
