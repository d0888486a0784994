//! `hotseat answer`: grade one answer and print the result.

use std::fs;

use anyhow::{Context, Result};
use serde::Serialize;

use super::args::AnswerArgs;
use std::fmt::Write;

use super::{UsageError, emit, load_bank};
use crate::content::{Difficulty, Question, Source};
use crate::report;
use crate::scoring::{Score, ScoreRequest};
use crate::{connect, paths};

#[derive(Serialize)]
struct Output<'a> {
    question: &'a str,
    round: &'a str,
    #[serde(flatten)]
    score: &'a Score,
}

pub fn run(args: AnswerArgs) -> Result<()> {
    let bank = load_bank()?;
    let answer = match (&args.text, &args.file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => fs::read_to_string(f)
            .with_context(|| format!("while reading the answer from {}", f.display()))?,
        (None, None) => {
            return Err(UsageError("give the answer with --text or --file".into()).into());
        }
    };
    let custom;
    let question = match bank.find_question(&args.question) {
        Some(q) => q,
        None => {
            let Some(round) = args.round.clone() else {
                return Err(UsageError(format!(
                    "{:?} is not a question id or text in the bank; give --round to grade it with that round's rubric",
                    args.question
                ))
                .into());
            };
            custom = question_outside_bank(&args.question, round);
            &custom
        }
    };
    let rubric = bank.rubric(&question.round).ok_or_else(|| {
        UsageError(format!(
            "there is no round {:?}; the rounds are: {}",
            question.round,
            bank.rounds().join(", ")
        ))
    })?;
    let choice = args.model.choice();
    let settings = connect::settings(&choice.flags)?;
    let scorer = connect::scorer(
        &bank,
        &settings,
        choice.samples,
        &paths::data_dir(args.data_dir.clone()),
    )?;
    let score = scorer.score(&ScoreRequest {
        question,
        rubric,
        answer: &answer,
        level: args.level,
    })?;
    let mut out = String::new();
    if args.json {
        let output = Output {
            question: &question.id,
            round: &question.round,
            score: &score,
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&output)?)?;
    } else {
        writeln!(out, "{}\n", question.text)?;
        write!(out, "{}", report::score(&score))?;
    }
    emit(&out)
}

/// A question from outside the bank: graded by its round's rubric, with no talking points.
pub(super) fn question_outside_bank(text: &str, round: String) -> Question {
    Question {
        id: "custom".into(),
        round,
        text: text.to_string(),
        topics: Vec::new(),
        difficulty: Difficulty::Medium,
        level: crate::content::Level::Senior,
        minutes: 10,
        points: Vec::new(),
        probes: Vec::new(),
        reference: None,
        source: Source {
            file: "(command line)".into(),
            line: 0,
        },
    }
}
