//! `hotseat`, `hotseat loop` and `hotseat practice`: build the plan, then hand the session to the
//! terminal UI, or to the plain line mode when asked or when stdin is not a terminal.

use std::io::{self, IsTerminal};
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::args::{LoopArgs, ModelOptions, PracticeArgs, SessionOptions};
use super::{UsageError, load_bank};
use crate::content::Bank;
use crate::interview::{Plan, plan};
use crate::session::Session;
use crate::{connect, paths, plain, ui};

pub fn home(model: ModelOptions) -> Result<()> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(UsageError(
            "the interactive UI needs a terminal; for scripts use `hotseat loop --plan screen --plain` or `hotseat practice TOPIC --plain`".into(),
        )
        .into());
    }
    let bank = load_bank()?;
    let services = connect::services(bank, &data_dir(None)?, &model.choice())?;
    ui::run(ui::Start::Home, services)
}

pub fn run_loop(args: LoopArgs) -> Result<()> {
    let bank = load_bank()?;
    let seed = seed(&args.options);
    let plan = plan::named(&bank, &args.plan, args.options.level, seed)?;
    start(bank, plan, &args.options)
}

pub fn practice(args: PracticeArgs) -> Result<()> {
    let bank = load_bank()?;
    let seed = seed(&args.options);
    let plan = plan::practice(&bank, &args.target, args.options.level, seed)?;
    start(bank, plan, &args.options)
}

fn seed(options: &SessionOptions) -> u64 {
    options.seed.unwrap_or_else(|| fastrand::u64(..1_000_000))
}

/// The data directory, made ready: a session fails before its first question rather than after
/// its first answer.
fn data_dir(flag: Option<PathBuf>) -> Result<PathBuf> {
    let dir = paths::data_dir(flag);
    let sessions = dir.join("sessions");
    std::fs::create_dir_all(&sessions).with_context(|| {
        format!(
            "cannot save sessions in {}; choose another place with --data-dir or HOTSEAT_HOME",
            sessions.display()
        )
    })?;
    Ok(dir)
}

fn start(bank: Bank, plan: Plan, options: &SessionOptions) -> Result<()> {
    let services = connect::services(
        bank,
        &data_dir(options.data_dir.clone())?,
        &options.model.choice(),
    )?;
    let interactive = io::stdin().is_terminal() && io::stdout().is_terminal();
    if options.plain || !interactive {
        let (session, replies) = Session::create(&services, plan, options.follow_ups);
        let stdin = io::stdin();
        plain::run(session, replies, stdin.lock(), &mut io::stdout())
            .context("while running the interview")?;
        Ok(())
    } else {
        ui::run(
            ui::Start::Plan {
                plan,
                follow_ups: options.follow_ups,
            },
            services,
        )
    }
}
