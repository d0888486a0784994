//! `hotseat eval FILE.jsonl`: how well the scorer agrees with graded answers.

use std::fs;

use anyhow::{Context, Result};

use super::answer::question_outside_bank;
use super::args::EvalArgs;
use std::fmt::Write;

use super::{UsageError, emit, load_bank};
use crate::connect;
use crate::content::{Bank, Level};
use crate::paths;
use crate::scoring::eval::{Graded, Metrics, Report, Sample, report};
use crate::scoring::{ScoreRequest, Scorer};

pub fn run(args: EvalArgs) -> Result<()> {
    let bank = load_bank()?;
    let choice = args.model.choice();
    let settings = connect::settings(&choice.flags)?;
    let scorer = connect::scorer(&bank, &settings, choice.samples, &paths::data_dir(None))?;
    let scorer = scorer.as_ref();
    let mut graded = Vec::new();
    for file in &args.files {
        let text = fs::read_to_string(file)
            .with_context(|| format!("while reading {}", file.display()))?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{}:{}", file.display(), n + 1);
            graded.push(grade_line(&bank, scorer, line, &at)?);
        }
    }
    let r = report(scorer.identity(), &graded);
    let mut out = String::new();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
    } else {
        print_report(&mut out, &r)?;
    }
    emit(&out)
}

/// Grades one calibration line; a malformed line is a usage error naming the file and line.
fn grade_line(bank: &Bank, scorer: &dyn Scorer, line: &str, at: &str) -> Result<Graded> {
    let sample: Sample =
        serde_json::from_str(line).map_err(|e| UsageError(format!("{at}: {e}")))?;
    if !(1.0..=4.0).contains(&sample.grade) {
        return Err(UsageError(format!("{at}: grade {} is outside 1 to 4", sample.grade)).into());
    }
    let outside;
    let question = match bank.find_question(&sample.question) {
        Some(q) => q,
        None => {
            outside = question_outside_bank(&sample.question, sample.round.clone());
            &outside
        }
    };
    let rubric = bank
        .rubric(&question.round)
        .ok_or_else(|| UsageError(format!("{at}: there is no round {:?}", question.round)))?;
    let score = scorer.score(&ScoreRequest {
        question,
        rubric,
        answer: &sample.answer,
        level: Level::Senior,
    })?;
    Ok(Graded {
        question: format!("{}\n{}", question.id, question.text),
        kind: sample.kind,
        grade: sample.grade,
        predicted: score.overall,
        stood_in: score.needs_rescore(),
    })
}

fn fmt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into())
}

fn print_report(out: &mut String, r: &Report) -> std::fmt::Result {
    writeln!(out, "Scorer: {}", r.scorer)?;
    if r.offline_stand_ins > 0 {
        writeln!(
            out,
            "Warning: the model could not grade {} answer(s); their offline estimates are in these figures.",
            r.offline_stand_ins
        )?;
    }
    writeln!(
        out,
        "Answers: {}   pairs within a question: {}",
        r.all.count, r.all.pairs
    )?;
    writeln!(
        out,
        "Pairwise ranking accuracy: {}",
        fmt(r.all.pairwise_accuracy)
    )?;
    writeln!(out, "Spearman correlation:      {}", fmt(r.all.spearman))?;
    writeln!(
        out,
        "Mean absolute error:       {}",
        fmt(r.all.mean_absolute_error)
    )?;
    writeln!(
        out,
        "\n{:<16} {:>5} {:>6} {:>9} {:>9} {:>6} {:>7} {:>10}",
        "KIND", "N", "PAIRS", "PAIRWISE", "SPEARMAN", "MAE", "GRADE", "PREDICTED"
    )?;
    for (kind, m) in &r.by_kind {
        row(out, kind, m)?;
    }
    Ok(())
}

fn row(out: &mut String, kind: &str, m: &Metrics) -> std::fmt::Result {
    writeln!(
        out,
        "{:<16} {:>5} {:>6} {:>9} {:>9} {:>6} {:>7} {:>10}",
        kind,
        m.count,
        m.pairs,
        fmt(m.pairwise_accuracy),
        fmt(m.spearman),
        fmt(m.mean_absolute_error),
        fmt(m.mean_grade),
        fmt(m.mean_predicted)
    )
}
