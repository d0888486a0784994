//! Rating each rubric dimension from what the analysis found, on a continuous 1–4 scale.

use crate::content::{Dimension, Level, Lexicon, OfflineSignal};
use crate::scoring::Credit;
use crate::text::Token;

use super::analysis::Analysis;
use super::coverage::{PointCoverage, share};

/// The share of talking points that earns the top level, by target level: more is expected of a
/// staff candidate than of a mid-level one.
pub fn full_marks(level: Level) -> f64 {
    match level {
        Level::Mid => 0.7,
        Level::Senior => 0.8,
        Level::Staff => 0.9,
    }
}

/// Maps a coverage share onto 1–4.
pub fn scale(share: f64, full: f64) -> f64 {
    1.0 + 3.0 * (share / full).min(1.0)
}

pub struct Rating {
    pub value: f64,
    pub reason: String,
}

pub struct Context<'a, 'q> {
    pub analysis: &'a Analysis,
    pub coverage: &'a [PointCoverage<'q>],
    pub lexicon: &'a Lexicon,
    pub level: Level,
    /// The whole answer's coverage on the 1–4 scale: style never lifts a dimension more than one
    /// level above it, so that fluency cannot stand in for content.
    pub content: f64,
}

impl Context<'_, '_> {
    fn all_tokens(&self) -> Vec<Token> {
        self.analysis
            .sentences
            .iter()
            .flat_map(|s| s.tokens.clone())
            .collect()
    }
}

pub fn rate(dimension: &Dimension, cx: &Context<'_, '_>) -> Rating {
    match dimension.offline {
        OfflineSignal::Points => points(dimension, cx),
        OfflineSignal::Reasoning => reasoning(cx),
        OfflineSignal::Structure => structure(cx),
        OfflineSignal::Star => star(cx),
    }
}

fn points(dimension: &Dimension, cx: &Context<'_, '_>) -> Rating {
    let tagged: Vec<&PointCoverage> = cx
        .coverage
        .iter()
        .filter(|p| p.point.dimensions.contains(&dimension.id))
        .collect();
    let points = if tagged.is_empty() {
        cx.coverage.iter().collect()
    } else {
        tagged
    };
    let explained = points
        .iter()
        .filter(|p| p.credit == Credit::Explained && p.misconceptions.is_empty())
        .count();
    let mentioned = points
        .iter()
        .filter(|p| p.credit == Credit::Mentioned && p.misconceptions.is_empty())
        .count();
    let wrong = points
        .iter()
        .filter(|p| !p.misconceptions.is_empty())
        .count();
    let missed = points.iter().filter(|p| p.credit == Credit::Missed).count();
    let mut reason = format!("Explained {explained} of {} talking point(s)", points.len());
    if mentioned > 0 {
        reason.push_str(&format!("; named {mentioned} without explaining"));
    }
    if wrong > 0 {
        reason.push_str(&format!("; stated {wrong} wrong belief(s)"));
    }
    if missed > 0 {
        reason.push_str(&format!("; missed {missed}"));
    }
    reason.push('.');
    Rating {
        value: scale(share(&points), full_marks(cx.level)),
        reason,
    }
}

fn reasoning(cx: &Context<'_, '_>) -> Rating {
    let mut carrying: Vec<usize> = cx
        .coverage
        .iter()
        .flat_map(|p| p.sentences.clone())
        .collect();
    carrying.sort_unstable();
    carrying.dedup();
    let reasoned = carrying
        .iter()
        .filter(|&&i| cx.analysis.explains[i])
        .count();
    let share = if carrying.is_empty() {
        0.0
    } else {
        reasoned as f64 / carrying.len() as f64
    };
    // Only options weighed where the ideas are: "but" in small talk weighs nothing.
    let carrying_tokens: Vec<Token> = carrying
        .iter()
        .flat_map(|&i| cx.analysis.sentences[i].tokens.clone())
        .collect();
    let tradeoffs = cx.lexicon.tradeoffs.distinct_in(&carrying_tokens).min(3);
    let value = (1.0 + 1.5 * share + 0.5 * tradeoffs as f64).min(cx.content + 1.0);
    Rating {
        value,
        reason: format!(
            "Gave reasons in {reasoned} of {} sentence(s) that carry its ideas; {}.",
            carrying.len(),
            match tradeoffs {
                0 => "weighed no option against another".to_string(),
                n => format!("weighed options ({n} sign(s) of a trade-off)"),
            }
        ),
    }
}

fn structure(cx: &Context<'_, '_>) -> Rating {
    let signals = cx.lexicon.structure.distinct_in(&cx.all_tokens());
    let value = (1.0 + 0.75 * signals as f64).min(4.0).min(cx.content + 1.0);
    Rating {
        value,
        reason: match signals {
            0 => "No signs of an organised answer (steps, assumptions, a summary).".to_string(),
            n => format!("{n} sign(s) of an organised answer (steps, assumptions, a summary)."),
        },
    }
}

/// Which parts of a STAR story an answer tells: situation, task, action, and the result (half
/// when it is not measured).
pub struct StarParts {
    pub situation: bool,
    pub task: bool,
    pub action: bool,
    pub result: f64,
}

impl StarParts {
    pub fn count(&self) -> f64 {
        f64::from(u8::from(self.situation) + u8::from(self.task) + u8::from(self.action))
            + self.result
    }
}

pub fn star_parts(analysis: &Analysis, lexicon: &Lexicon) -> StarParts {
    let star = &lexicon.star;
    let tokens: Vec<Token> = analysis
        .sentences
        .iter()
        .flat_map(|s| s.tokens.clone())
        .collect();
    // A result counts fully when it is measured: a result sentence with a number in it.
    let measured = analysis.sentences.iter().any(|s| {
        star.result.any_in(&s.tokens)
            && s.tokens
                .iter()
                .any(|t| t.word.chars().any(|c| c.is_ascii_digit()))
    });
    StarParts {
        situation: star.situation.any_in(&tokens),
        task: star.task.any_in(&tokens),
        action: star.action.any_in(&tokens) || said_i_did(&tokens),
        result: if measured {
            1.0
        } else if star.result.any_in(&tokens) {
            0.5
        } else {
            0.0
        },
    }
}

/// "I reverted the deploy": the first person followed by a past-tense verb.
fn said_i_did(tokens: &[Token]) -> bool {
    tokens
        .windows(2)
        .any(|w| w[0].word == "i" && w[1].word.len() > 4 && w[1].word.ends_with("ed"))
}

fn star(cx: &Context<'_, '_>) -> Rating {
    let parts = star_parts(cx.analysis, cx.lexicon);
    let StarParts {
        situation,
        task,
        action,
        result,
    } = parts;
    let mut missing = Vec::new();
    for (found, name) in [
        (situation, "situation"),
        (task, "task"),
        (action, "your own actions"),
    ] {
        if !found {
            missing.push(name);
        }
    }
    if result < 1.0 {
        missing.push(if result > 0.0 {
            "a measured result"
        } else {
            "a result"
        });
    }
    let reason = if missing.is_empty() {
        "Told a complete STAR story with a measured result.".to_string()
    } else {
        format!("STAR story without {}.", missing.join(", "))
    };
    Rating {
        value: (1.0 + 0.75 * parts.count()).min(cx.content + 1.0),
        reason,
    }
}
