//! Parsing one TOML content file into the model, checking what can be checked within the file
//! and reporting each problem at its line.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::error::ContentError;
use super::model::{
    Difficulty, Dimension, Level, OfflineSignal, Probe, Question, Rubric, Source, TalkingPoint,
    WrongBelief,
};
use crate::text::Pattern;

/// The content format this build reads.
pub const FORMAT: u32 = 1;

/// Phrasings need two concepts: one is a bare mention of a term.
pub const MIN_CONCEPTS: usize = 2;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoundFile {
    format: Option<Spanned<u32>>,
    rubric: Option<Spanned<RawRubric>>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    round: String,
    title: String,
    version: String,
    minutes: u32,
    dimensions: Vec<Spanned<RawDimension>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    id: String,
    name: String,
    weight: f64,
    offline: OfflineSignal,
    levels: BTreeMap<String, String>,
    #[serde(default)]
    expectations: BTreeMap<Level, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    round: Option<String>,
    text: String,
    topics: Vec<String>,
    difficulty: Difficulty,
    level: Level,
    minutes: u32,
    points: Vec<Spanned<RawPoint>>,
    probes: Vec<Spanned<RawProbe>>,
    reference: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint {
    id: String,
    text: String,
    dimensions: Vec<String>,
    #[serde(default)]
    core: bool,
    weight: Option<f64>,
    says: Vec<Spanned<String>>,
    #[serde(default)]
    wrong: Vec<Spanned<RawWrong>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWrong {
    text: String,
    says: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProbe {
    text: String,
    points: Vec<String>,
}

/// What one round file holds.
#[derive(Debug, Default)]
pub struct RoundFile {
    pub rubric: Option<Rubric>,
    pub questions: Vec<Question>,
}

/// Maps byte offsets of one file to line numbers.
pub struct Lines<'a> {
    path: &'a Path,
    text: &'a str,
}

impl<'a> Lines<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        Lines { path, text }
    }

    pub fn source(&self, offset: usize) -> Source {
        let end = offset.min(self.text.len());
        Source {
            file: self.path.to_path_buf(),
            line: self.text.as_bytes()[..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1,
        }
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> ContentError {
        ContentError::at(&self.source(offset), message)
    }

    /// Parses the whole file, turning a syntax or shape error into one located error.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ContentError> {
        toml::from_str(self.text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let message = e.message().trim().to_string();
            self.error(offset, message)
        })
    }
}

/// Parses a round file (a rubric, questions, or both).
pub fn round_file(path: &Path, text: &str) -> Result<RoundFile, Vec<ContentError>> {
    let lines = Lines::new(path, text);
    let raw: RawRoundFile = lines.parse().map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    if let Some(format) = &raw.format
        && *format.get_ref() != FORMAT
    {
        errors.push(lines.error(
            format.span().start,
            format!(
                "format {} is not one this hotseat reads (it reads {FORMAT})",
                format.get_ref()
            ),
        ));
    }
    let rubric = raw.rubric.map(|r| rubric(&lines, r, &mut errors));
    let default_round = rubric.as_ref().map(|r| r.round.clone());
    let mut ids = HashSet::new();
    let mut questions = Vec::new();
    for q in raw.questions {
        let start = q.span().start;
        if !ids.insert(q.get_ref().id.clone()) {
            errors.push(lines.error(
                start,
                format!(
                    "question id {:?} appears twice in this file",
                    q.get_ref().id
                ),
            ));
        }
        if let Some(q) = question(&lines, q, default_round.as_deref(), &mut errors) {
            questions.push(q);
        }
    }
    if errors.is_empty() {
        Ok(RoundFile { rubric, questions })
    } else {
        Err(errors)
    }
}

fn rubric(lines: &Lines, raw: Spanned<RawRubric>, errors: &mut Vec<ContentError>) -> Rubric {
    let source = lines.source(raw.span().start);
    let raw = raw.into_inner();
    if !(4..=7).contains(&raw.dimensions.len()) {
        errors.push(ContentError::at(
            &source,
            format!(
                "rubric {:?} has {} dimensions; a rubric needs 4 to 7",
                raw.round,
                raw.dimensions.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    let mut dimensions = Vec::new();
    for d in raw.dimensions {
        let at = d.span().start;
        let d = d.into_inner();
        if !seen.insert(d.id.clone()) {
            errors.push(lines.error(at, format!("dimension {:?} appears twice", d.id)));
        }
        if d.weight <= 0.0 || !d.weight.is_finite() {
            errors.push(lines.error(at, format!("dimension {:?} needs a positive weight", d.id)));
        }
        let mut levels: [String; 4] = Default::default();
        let keys: Vec<&str> = d.levels.keys().map(String::as_str).collect();
        if keys == ["1", "2", "3", "4"] {
            for (slot, text) in levels.iter_mut().zip(d.levels.values()) {
                slot.clone_from(text);
            }
        } else {
            errors.push(lines.error(
                at,
                format!("dimension {:?} needs a descriptor for each level 1, 2, 3 and 4 (found {keys:?})", d.id),
            ));
        }
        if levels.iter().any(|l| l.trim().is_empty()) && keys == ["1", "2", "3", "4"] {
            errors.push(lines.error(
                at,
                format!("dimension {:?} has an empty level descriptor", d.id),
            ));
        }
        dimensions.push(Dimension {
            id: d.id,
            name: d.name,
            weight: d.weight,
            offline: d.offline,
            levels,
            expectations: d.expectations,
        });
    }
    Rubric {
        round: raw.round,
        title: raw.title,
        version: raw.version,
        minutes: raw.minutes,
        dimensions,
        source,
    }
}

fn patterns(
    lines: &Lines,
    raw: Vec<Spanned<String>>,
    errors: &mut Vec<ContentError>,
) -> Vec<Pattern> {
    raw.into_iter()
        .filter_map(|s| match Pattern::parse(s.get_ref(), MIN_CONCEPTS) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(lines.error(s.span().start, e.to_string()));
                None
            }
        })
        .collect()
}

fn question(
    lines: &Lines,
    raw: Spanned<RawQuestion>,
    default_round: Option<&str>,
    errors: &mut Vec<ContentError>,
) -> Option<Question> {
    let source = lines.source(raw.span().start);
    let raw = raw.into_inner();
    let fail = |errors: &mut Vec<ContentError>, message: String| {
        errors.push(ContentError::at(
            &source,
            format!("question {:?}: {message}", raw.id),
        ));
    };
    let Some(round) = raw.round.clone().or(default_round.map(str::to_string)) else {
        fail(
            errors,
            "has no round: give it `round = ...` or put it in a file with a [rubric]".into(),
        );
        return None;
    };
    if raw.id.trim().is_empty() || raw.text.trim().is_empty() {
        fail(errors, "needs a non-empty id and text".into());
    }
    if raw.minutes == 0 {
        fail(errors, "needs a time budget of at least one minute".into());
    }
    if raw.points.len() < 4 {
        fail(
            errors,
            format!(
                "has {} talking points; a question needs at least 4",
                raw.points.len()
            ),
        );
    }
    if raw.probes.len() < 2 {
        fail(
            errors,
            format!(
                "has {} follow-up probes; a question needs at least 2",
                raw.probes.len()
            ),
        );
    }
    let mut point_ids = HashSet::new();
    let mut points = Vec::new();
    for p in raw.points {
        let at = p.span().start;
        let p = p.into_inner();
        if !point_ids.insert(p.id.clone()) {
            errors.push(lines.error(
                at,
                format!(
                    "talking point {:?} appears twice in question {:?}",
                    p.id, raw.id
                ),
            ));
        }
        if p.says.is_empty() {
            errors.push(lines.error(
                at,
                format!("talking point {:?} has no phrasings (`says`)", p.id),
            ));
        }
        let says = patterns(lines, p.says, errors);
        let wrong = p
            .wrong
            .into_iter()
            .map(|w| {
                let w = w.into_inner();
                WrongBelief {
                    text: w.text,
                    says: patterns(lines, w.says, errors),
                }
            })
            .collect();
        points.push(TalkingPoint {
            id: p.id,
            text: p.text,
            dimensions: p.dimensions,
            core: p.core,
            weight: p.weight.unwrap_or(1.0),
            says,
            wrong,
        });
    }
    let probes = raw
        .probes
        .into_iter()
        .map(|pr| {
            let at = pr.span().start;
            let pr = pr.into_inner();
            if pr.points.is_empty() {
                errors.push(lines.error(
                    at,
                    "a probe needs the talking points it probes (`points = [...]`)",
                ));
            }
            for id in &pr.points {
                if !point_ids.contains(id) {
                    errors.push(
                        lines.error(at, format!("probe refers to unknown talking point {id:?}")),
                    );
                }
            }
            Probe {
                text: pr.text,
                points: pr.points,
            }
        })
        .collect();
    Some(Question {
        id: raw.id,
        round,
        text: raw.text,
        topics: raw.topics,
        difficulty: raw.difficulty,
        level: raw.level,
        minutes: raw.minutes,
        points,
        probes,
        reference: raw.reference,
        source,
    })
}
