//! Which talking points an answer covers, with the sentence that covered each, and which wrong
//! beliefs it states.

use crate::content::{Lexicon, Question, TalkingPoint};
use crate::scoring::{Credit, Misconception};
use crate::text::{Pattern, Token};

use super::analysis::Analysis;

/// Credit for a point that is named but not explained.
pub const MENTION_CREDIT: f64 = 0.3;
/// Core points carry more weight: they are what the question is about.
const CORE_FACTOR: f64 = 1.5;

#[derive(Debug, Clone)]
pub struct PointCoverage<'q> {
    pub point: &'q TalkingPoint,
    pub credit: Credit,
    pub evidence: Option<String>,
    /// Indices of the sentences that covered it.
    pub sentences: Vec<usize>,
    pub misconceptions: Vec<Misconception>,
}

impl PointCoverage<'_> {
    /// What the point contributes: nothing if the answer also states a wrong belief about it.
    pub fn value(&self) -> f64 {
        if !self.misconceptions.is_empty() {
            return 0.0;
        }
        match self.credit {
            Credit::Explained => 1.0,
            Credit::Mentioned => MENTION_CREDIT,
            Credit::Missed => 0.0,
        }
    }

    pub fn weight(&self) -> f64 {
        self.point.weight * if self.point.core { CORE_FACTOR } else { 1.0 }
    }

    /// Covered, and also contradicted by a wrong belief the answer states.
    pub fn contradicted(&self) -> bool {
        self.credit != Credit::Missed && !self.misconceptions.is_empty()
    }
}

/// A stretch of the answer a phrasing is looked for in: one sentence, or two neighbours.
struct Window {
    sentences: Vec<usize>,
    tokens: Vec<Token>,
    explains: bool,
}

fn windows(analysis: &Analysis) -> Vec<Window> {
    let n = analysis.sentences.len();
    let single = (0..n).map(|i| Window {
        sentences: vec![i],
        tokens: analysis.sentences[i].tokens.clone(),
        explains: analysis.explains[i],
    });
    // A pair explains only when both halves do: a list of terms does not become an explanation by
    // standing next to a sentence.
    let pairs = (0..n.saturating_sub(1)).map(|i| Window {
        sentences: vec![i, i + 1],
        tokens: [
            &analysis.sentences[i].tokens[..],
            &analysis.sentences[i + 1].tokens[..],
        ]
        .concat(),
        explains: analysis.explains[i] && analysis.explains[i + 1],
    });
    single.chain(pairs).collect()
}

fn matches(patterns: &[Pattern], tokens: &[Token], lexicon: &Lexicon) -> bool {
    patterns.iter().any(|p| {
        p.find(tokens, &lexicon.negations)
            .is_some_and(|m| !m.negated)
    })
}

pub fn cover<'q>(
    question: &'q Question,
    analysis: &Analysis,
    lexicon: &Lexicon,
) -> Vec<PointCoverage<'q>> {
    let windows = windows(analysis);
    question
        .points
        .iter()
        .map(|point| {
            // The best window wins: explained over mentioned, then a single sentence over a pair.
            let best = windows
                .iter()
                .filter(|w| matches(&point.says, &w.tokens, lexicon))
                .max_by_key(|w| (w.explains, std::cmp::Reverse(w.sentences.len())));
            let (credit, evidence, sentences) = match best {
                Some(w) => (
                    if w.explains {
                        Credit::Explained
                    } else {
                        Credit::Mentioned
                    },
                    Some(text_of(analysis, &w.sentences)),
                    w.sentences.clone(),
                ),
                None => (Credit::Missed, None, Vec::new()),
            };
            // Wrong beliefs are only taken from single sentences, so that two unrelated halves
            // never add up to a misconception, and not from a sentence that names the belief to
            // reject it ("getting the direction backwards is the classic bug").
            let misconceptions = point
                .wrong
                .iter()
                .filter_map(|wrong| {
                    analysis
                        .sentences
                        .iter()
                        .find(|s| {
                            matches(&wrong.says, &s.tokens, lexicon)
                                && !lexicon.rejections.any_in(&s.tokens)
                        })
                        .map(|s| Misconception {
                            point: point.id.clone(),
                            text: wrong.text.clone(),
                            evidence: s.text.clone(),
                        })
                })
                .collect();
            PointCoverage {
                point,
                credit,
                evidence,
                sentences,
                misconceptions,
            }
        })
        .collect()
}

fn text_of(analysis: &Analysis, indices: &[usize]) -> String {
    indices
        .iter()
        .map(|&i| analysis.sentences[i].text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Weighted share of the points covered, in 0..=1, after misconception penalties.
pub fn share(points: &[&PointCoverage<'_>]) -> f64 {
    let total: f64 = points.iter().map(|p| p.weight()).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let earned: f64 = points.iter().map(|p| p.weight() * p.value()).sum();
    // A stated wrong belief costs half a point on top of earning nothing for it.
    let penalty: f64 = points
        .iter()
        .filter(|p| !p.misconceptions.is_empty())
        .map(|p| 0.5 * p.weight())
        .sum();
    ((earned - penalty) / total).clamp(0.0, 1.0)
}
