//! Measuring a scorer against graded answers (`hotseat eval`): pairwise ranking accuracy within a
//! question, Spearman correlation and mean absolute error, overall and per kind of answer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One line of a calibration file.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Sample {
    pub round: String,
    /// A question id or exact text.
    pub question: String,
    pub answer: String,
    pub grade: f64,
    #[serde(default)]
    pub kind: Option<String>,
}

/// A sample with the scorer's result.
#[derive(Debug, Clone)]
pub struct Graded {
    pub question: String,
    pub kind: Option<String>,
    pub grade: f64,
    pub predicted: f64,
    /// The offline estimate stood in for a model grade that failed.
    pub stood_in: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metrics {
    pub count: usize,
    /// Pairs of answers to the same question with different grades.
    pub pairs: usize,
    /// Share of those pairs the scorer orders the same way (a tie counts half).
    pub pairwise_accuracy: Option<f64>,
    pub spearman: Option<f64>,
    pub mean_absolute_error: Option<f64>,
    pub mean_grade: Option<f64>,
    pub mean_predicted: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scorer: String,
    /// Answers a model could not grade, scored by the offline estimate instead (they blur the
    /// figures, so they are counted).
    #[serde(default)]
    pub offline_stand_ins: usize,
    #[serde(flatten)]
    pub all: Metrics,
    pub by_kind: BTreeMap<String, Metrics>,
}

pub fn report(scorer: String, graded: &[Graded]) -> Report {
    let mut kinds: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, g) in graded.iter().enumerate() {
        kinds
            .entry(g.kind.clone().unwrap_or_else(|| "unlabelled".into()))
            .or_default()
            .push(i);
    }
    let by_kind = kinds
        .into_iter()
        .map(|(kind, members)| (kind, metrics(graded, &members)))
        .collect();
    let everyone: Vec<usize> = (0..graded.len()).collect();
    Report {
        scorer,
        offline_stand_ins: graded.iter().filter(|g| g.stood_in).count(),
        all: metrics(graded, &everyone),
        by_kind,
    }
}

/// Metrics over `members`; pairs are those with at least one member, the other anywhere in the set,
/// so a kind's pairwise accuracy says how well its answers are ordered against the rest.
fn metrics(all: &[Graded], members: &[usize]) -> Metrics {
    let mut pairs = 0usize;
    let mut agree = 0.0;
    for (a, ga) in all.iter().enumerate() {
        for (b, gb) in all.iter().enumerate().skip(a + 1) {
            if ga.question != gb.question || ga.grade == gb.grade {
                continue;
            }
            if !members.contains(&a) && !members.contains(&b) {
                continue;
            }
            pairs += 1;
            let truth = (ga.grade - gb.grade).signum();
            let seen = ga.predicted - gb.predicted;
            if seen == 0.0 {
                agree += 0.5;
            } else if seen.signum() == truth {
                agree += 1.0;
            }
        }
    }
    let grades: Vec<f64> = members.iter().map(|&i| all[i].grade).collect();
    let predicted: Vec<f64> = members.iter().map(|&i| all[i].predicted).collect();
    let n = members.len();
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    Metrics {
        count: n,
        pairs,
        pairwise_accuracy: (pairs > 0).then(|| agree / pairs as f64),
        spearman: spearman(&grades, &predicted),
        mean_absolute_error: mean(
            &grades
                .iter()
                .zip(&predicted)
                .map(|(g, p)| (g - p).abs())
                .collect::<Vec<_>>(),
        ),
        mean_grade: mean(&grades),
        mean_predicted: mean(&predicted),
    }
}

/// Ranks with ties given their average rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rho: Pearson correlation of the ranks. None when either side is constant.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 2 || a.len() != b.len() {
        return None;
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(question: &str, grade: f64, predicted: f64) -> Graded {
        Graded {
            stood_in: false,
            question: question.into(),
            kind: None,
            grade,
            predicted,
        }
    }

    #[test]
    fn spearman_of_a_perfect_and_a_reversed_order() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(spearman(&a, &[10.0, 20.0, 30.0, 40.0]), Some(1.0));
        assert_eq!(spearman(&a, &[4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        assert_eq!(spearman(&a, &[1.0, 1.0, 1.0, 1.0]), None);
    }

    #[test]
    fn ties_share_their_rank() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), vec![2.5, 1.0, 2.5]);
    }

    #[test]
    fn pairs_only_within_a_question_and_ties_count_half() {
        let graded = [
            g("q1", 4.0, 3.0),
            g("q1", 1.0, 3.0),
            g("q1", 2.0, 1.0),
            g("q2", 1.0, 4.0),
        ];
        let r = report("test".into(), &graded);
        // q1 pairs: (4,1) tie -> 0.5, (4,2) right -> 1, (1,2) wrong -> 0.
        assert_eq!(r.all.pairs, 3);
        assert_eq!(r.all.pairwise_accuracy, Some(0.5));
        assert_eq!(
            r.all.mean_absolute_error,
            Some((1.0 + 2.0 + 1.0 + 3.0) / 4.0)
        );
    }
}
