//! The offline scorer: talking-point coverage in the candidate's own words, wrong beliefs,
//! reasoning, structure and STAR, with no model at all. Its results are always labelled offline
//! estimates.

mod analysis;
mod coverage;
mod dimensions;

use crate::content::{Lexicon, OfflineSignal, Question};
use crate::scoring::{
    Credit, DimensionScore, PointScore, Score, ScoreError, ScoreRequest, Scorer, verdict,
};

use analysis::Analysis;
use coverage::{PointCoverage, cover, share};
use dimensions::{Context, full_marks, rate, scale, star_parts};

pub const IDENTITY: &str = "offline";
pub const LABEL: &str = "offline estimate";

/// The most a core misconception leaves an answer: clearly below a correct one.
const MISCONCEPTION_CAP: f64 = 1.75;
/// The most an answer that contradicts itself, or only names terms, can get.
const CONTRADICTION_CAP: f64 = 2.0;
const BUZZWORD_CAP: f64 = 2.0;
/// The most an answer that touches none of the question's core points, or a behavioral answer
/// that tells no story, can get.
const MISSES_CORE_CAP: f64 = 1.5;
/// Without talking points the scorer cannot tell right from wrong, so it never says "hire".
const NO_POINTS_CAP: f64 = 2.5;
/// How many follow-up probes an offline score suggests.
const SUGGESTED_PROBES: usize = 3;

/// The answer with every sentence that addresses the grader taken out, and those sentences: what
/// a model grades, so that text meant for the grader never reaches it.
pub fn set_aside_injection(answer: &str, lexicon: &Lexicon) -> (String, Vec<String>) {
    let removed = Analysis::new(answer, lexicon).injected;
    let mut text = answer.to_string();
    for sentence in &removed {
        text = text.replacen(sentence.as_str(), "", 1);
    }
    let text = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (text, removed)
}

#[derive(Debug, Clone)]
pub struct OfflineScorer {
    lexicon: Lexicon,
}

impl OfflineScorer {
    pub fn new(lexicon: Lexicon) -> Self {
        OfflineScorer { lexicon }
    }
}

impl Scorer for OfflineScorer {
    fn identity(&self) -> String {
        IDENTITY.to_string()
    }

    fn score(&self, request: &ScoreRequest<'_>) -> Result<Score, ScoreError> {
        Ok(grade(request, &self.lexicon))
    }
}

fn grade(request: &ScoreRequest<'_>, lexicon: &Lexicon) -> Score {
    let analysis = Analysis::new(request.answer, lexicon);
    let coverage = cover(request.question, &analysis, lexicon);
    let mut flags = Vec::new();
    if !analysis.injected.is_empty() {
        flags.push("injection");
    }

    let has_points = !coverage.is_empty();
    let all: Vec<&PointCoverage> = coverage.iter().collect();
    let content = if has_points {
        scale(share(&all), full_marks(request.level))
    } else {
        // Judge only how well reasoned it is, and say so.
        let reasoned = analysis.explains.iter().filter(|&&e| e).count();
        (1.0 + 0.5 * reasoned as f64).min(NO_POINTS_CAP)
    };
    let cx = Context {
        analysis: &analysis,
        coverage: &coverage,
        lexicon,
        level: request.level,
        content,
    };
    let mut ratings: Vec<(f64, String)> = request
        .rubric
        .dimensions
        .iter()
        .map(|d| {
            let r = rate(d, &cx);
            (r.value, r.reason)
        })
        .collect();

    let explained = coverage
        .iter()
        .filter(|p| p.credit == Credit::Explained)
        .count();
    let mentioned = coverage
        .iter()
        .filter(|p| p.credit == Credit::Mentioned)
        .count();
    let mut cap = 4.0_f64;
    if analysis.is_empty() {
        flags.push("empty");
        cap = 1.0;
    } else if !has_points {
        flags.push("no-talking-points");
        cap = NO_POINTS_CAP;
    } else if explained + mentioned == 0 {
        flags.push("off-topic");
        cap = 1.0;
    }
    let core: Vec<&PointCoverage> = coverage.iter().filter(|p| p.point.core).collect();
    let core_touched = core.iter().any(|p| p.credit != Credit::Missed);
    if has_points && !core_touched && !flags.contains(&"off-topic") && !analysis.is_empty() {
        // Core points are what the question is about: an answer that touches none of them is
        // not an answer to this question, however much else it says.
        flags.push("misses-core");
        cap = cap.min(MISSES_CORE_CAP);
    } else if !core.is_empty() {
        // Each core point left out pulls the ceiling down: no strong hire without the core.
        cap = cap.min(MISSES_CORE_CAP + (4.0 - MISSES_CORE_CAP) * share(&core));
    }
    let wants_story = request
        .rubric
        .dimensions
        .iter()
        .any(|d| d.offline == OfflineSignal::Star);
    if wants_story && !analysis.is_empty() && star_parts(&analysis, lexicon).count() < 2.0 {
        // A behavioral question asks for a story; an explanation of something else is not one.
        flags.push("not-a-story");
        cap = cap.min(MISSES_CORE_CAP);
    }
    if coverage.iter().any(|p| !p.misconceptions.is_empty()) {
        flags.push("misconception");
        if coverage
            .iter()
            .any(|p| p.point.core && !p.misconceptions.is_empty())
        {
            cap = cap.min(MISCONCEPTION_CAP);
        }
    }
    if coverage.iter().any(PointCoverage::contradicted) {
        flags.push("contradiction");
        cap = cap.min(CONTRADICTION_CAP);
    }
    if mentioned >= 2 && explained * 2 < mentioned {
        flags.push("buzzwords");
        cap = cap.min(BUZZWORD_CAP);
    }
    for (value, _) in &mut ratings {
        *value = value.clamp(1.0, cap);
    }

    let total_weight: f64 = request.rubric.dimensions.iter().map(|d| d.weight).sum();
    let overall = request
        .rubric
        .dimensions
        .iter()
        .zip(&ratings)
        .map(|(d, (v, _))| d.weight * v)
        .sum::<f64>()
        / total_weight;
    let overall = (overall * 10.0).round() / 10.0;

    Score {
        scorer: IDENTITY.to_string(),
        estimate: true,
        label: LABEL.to_string(),
        overall,
        verdict: verdict(overall).to_string(),
        target_level: request.level,
        rubric_version: request.rubric.version.clone(),
        dimensions: request
            .rubric
            .dimensions
            .iter()
            .zip(ratings)
            .map(|(d, (value, reason))| {
                let level = value.round().clamp(1.0, 4.0) as u8;
                DimensionScore {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    level,
                    reason,
                    improve: d
                        .levels
                        .get(usize::from(level))
                        .map(|next| format!("For {}: {next}", level + 1)),
                }
            })
            .collect(),
        talking_points: coverage
            .iter()
            .map(|p| PointScore {
                id: p.point.id.clone(),
                text: p.point.text.clone(),
                covered: p.credit != Credit::Missed && p.misconceptions.is_empty(),
                credit: p.credit,
                evidence: p.evidence.clone(),
            })
            .collect(),
        misconceptions: coverage
            .iter()
            .flat_map(|p| p.misconceptions.clone())
            .collect(),
        flags: flags.into_iter().map(str::to_string).collect(),
        follow_ups: probes_for_missed(request.question, &coverage),
        words: analysis.words,
        notice: None,
        samples: None,
    }
}

/// The bank's probes for the points the answer did not explain, in the order the bank lists them.
fn probes_for_missed(question: &Question, coverage: &[PointCoverage<'_>]) -> Vec<String> {
    let weak = |id: &String| {
        coverage.iter().any(|p| {
            &p.point.id == id && (p.credit != Credit::Explained || !p.misconceptions.is_empty())
        })
    };
    question
        .probes
        .iter()
        .filter(|probe| probe.points.iter().any(weak))
        .map(|probe| probe.text.clone())
        .take(SUGGESTED_PROBES)
        .collect()
}
