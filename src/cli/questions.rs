//! `hotseat questions`: the bank, as a table or JSON.

use anyhow::Result;

use super::args::QuestionsArgs;
use std::fmt::Write;

use super::{UsageError, emit, load_bank};
use crate::report::round_name;

pub fn run(args: QuestionsArgs) -> Result<()> {
    let bank = load_bank()?;
    if let Some(round) = &args.round
        && bank.rubric(round).is_none()
    {
        return Err(UsageError(format!(
            "there is no round {round:?}; the rounds are: {}",
            bank.rounds().join(", ")
        ))
        .into());
    }
    let mut questions: Vec<_> = bank
        .questions
        .iter()
        .filter(|q| args.round.as_ref().is_none_or(|r| &q.round == r))
        .collect();
    let order = bank.rounds();
    questions.sort_by_key(|q| order.iter().position(|r| *r == q.round));
    let mut out = String::new();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&questions)?)?;
        return emit(&out);
    }
    let mut current = None;
    for q in questions {
        if current != Some(&q.round) {
            writeln!(out, "\n{}", round_name(&q.round).to_uppercase())?;
            current = Some(&q.round);
        }
        writeln!(
            out,
            "  {:<34} {:<6} {:<6} {:>3}m  {}",
            q.id,
            q.level.as_str(),
            format!("{:?}", q.difficulty).to_lowercase(),
            q.minutes,
            q.text
        )?;
    }
    emit(&out)
}
