//! The command line: `hotseat [loop|practice|answer|questions|review|eval|doctor|rescore|completions]`. Each
//! command lives in its own file; `run` dispatches and `exit_code` maps errors to the documented
//! exit codes (0 success, 2 usage or content error, 1 anything else).

mod answer;
mod args;
mod doctor;
mod eval;
mod interview;
mod questions;
mod rescore;
mod review;

pub use args::Cli;

use anyhow::Result;
use thiserror::Error;

use crate::connect::ConnectError;
use crate::content::{Bank, ContentErrors};
use crate::interview::PlanError;
use crate::paths;
use crate::store::StoreError;
use args::Command;

/// A mistake in how hotseat was called.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct UsageError(pub String);

pub fn run(cli: Cli) -> Result<()> {
    // The model flags before a command belong to the bare UI; rather than ignore them, say where
    // they go.
    let m = &cli.model;
    let before = m.endpoint.base_url.is_some()
        || m.endpoint.model.is_some()
        || m.endpoint.offline
        || m.samples != 1;
    if before && cli.command.is_some() {
        return Err(UsageError(
            "put --base-url, --model, --offline and --samples after the command, e.g. `hotseat loop --plan screen --model NAME`".into(),
        )
        .into());
    }
    match cli.command {
        None => interview::home(cli.model),
        Some(Command::Loop(a)) => interview::run_loop(a),
        Some(Command::Practice(a)) => interview::practice(a),
        Some(Command::Answer(a)) => answer::run(a),
        Some(Command::Questions(a)) => questions::run(a),
        Some(Command::Review(a)) => review::run(a),
        Some(Command::Eval(a)) => eval::run(a),
        Some(Command::Doctor(a)) => doctor::run(a),
        Some(Command::Rescore(a)) => rescore::run(a),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "hotseat", &mut std::io::stdout());
            Ok(())
        }
    }
}

/// 2 for a usage or content error, 1 for anything else.
pub fn exit_code(error: &anyhow::Error) -> i32 {
    let usage = error.chain().any(|e| {
        e.is::<UsageError>()
            || e.is::<ContentErrors>()
            || e.is::<PlanError>()
            || e.is::<clap::Error>()
            || e.is::<crate::config::ConfigError>()
            || e.is::<crate::prompts::PromptError>()
            || matches!(
                e.downcast_ref::<ConnectError>(),
                Some(ConnectError::Config(_) | ConnectError::Prompt(_))
            )
            || matches!(
                e.downcast_ref::<StoreError>(),
                Some(StoreError::NotFound(_))
            )
    });
    if usage { 2 } else { 1 }
}

/// Writes a command's output to stdout. A closed pipe (`hotseat review | head`) is not an error.
pub fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The bank: bundled content under the user's own.
pub fn load_bank() -> Result<Bank> {
    Ok(Bank::load(paths::user_rubrics().as_deref())?)
}
