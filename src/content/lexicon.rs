//! The offline scorer's word lists (`rubrics/lexicon.toml`), compiled for matching.

use std::path::Path;

use serde::Deserialize;

use super::error::ContentError;
use super::load::{Lines, MIN_CONCEPTS};
use crate::text::{CueSet, Pattern, PatternError};

#[derive(Debug, Clone)]
pub struct Lexicon {
    pub negations: CueSet,
    /// Words that mark a sentence as rejecting a wrong belief it names.
    pub rejections: CueSet,
    pub reasoning: CueSet,
    pub tradeoffs: CueSet,
    pub structure: CueSet,
    pub star: Star,
    pub fillers: CueSet,
    pub injection: Injection,
}

/// Cues for each part of a STAR story.
#[derive(Debug, Clone)]
pub struct Star {
    pub situation: CueSet,
    pub task: CueSet,
    pub action: CueSet,
    pub result: CueSet,
}

/// What marks text that addresses the grader.
#[derive(Debug, Clone)]
pub struct Injection {
    pub says: Vec<Pattern>,
    /// Lower-case substrings found anywhere, such as a fake score block.
    pub markers: Vec<String>,
    /// Lower-case prefixes of a line, such as a fake role ("system:").
    pub line_markers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[allow(dead_code)]
    format: u32,
    negations: Vec<String>,
    rejections: Vec<String>,
    reasoning: Vec<String>,
    tradeoffs: Vec<String>,
    structure: Vec<String>,
    star: RawStar,
    fillers: Vec<String>,
    injection: RawInjection,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStar {
    situation: Vec<String>,
    task: Vec<String>,
    action: Vec<String>,
    result: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInjection {
    says: Vec<String>,
    markers: Vec<String>,
    line_markers: Vec<String>,
}

impl Lexicon {
    pub fn parse(path: &Path, text: &str) -> Result<Lexicon, ContentError> {
        let lines = Lines::new(path, text);
        let raw: RawLexicon = lines.parse()?;
        let located = |e: PatternError| ContentError::at(&lines.source(0), e.to_string());
        let cues = |items: &[String]| CueSet::parse(items).map_err(located);
        Ok(Lexicon {
            negations: cues(&raw.negations)?,
            rejections: cues(&raw.rejections)?,
            reasoning: cues(&raw.reasoning)?,
            tradeoffs: cues(&raw.tradeoffs)?,
            structure: cues(&raw.structure)?,
            star: Star {
                situation: cues(&raw.star.situation)?,
                task: cues(&raw.star.task)?,
                action: cues(&raw.star.action)?,
                result: cues(&raw.star.result)?,
            },
            fillers: cues(&raw.fillers)?,
            injection: Injection {
                says: raw
                    .injection
                    .says
                    .iter()
                    .map(|s| Pattern::parse(s, MIN_CONCEPTS))
                    .collect::<Result<_, _>>()
                    .map_err(located)?,
                markers: lower(&raw.injection.markers),
                line_markers: lower(&raw.injection.line_markers),
            },
        })
    }
}

fn lower(items: &[String]) -> Vec<String> {
    items.iter().map(|m| m.to_lowercase()).collect()
}
