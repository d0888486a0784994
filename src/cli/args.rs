//! Flags and subcommands. The names here are a contract that scripts and tests depend on.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::content::Level;

#[derive(Debug, Parser)]
#[command(
    name = "hotseat",
    version,
    about = "A terminal mock interviewer for backend-engineering interviews",
    long_about = "A terminal mock interviewer for backend-engineering interviews.\n\nWith no command, opens the interactive UI."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a whole interview loop: the technical screen or the onsite.
    Loop(LoopArgs),
    /// Practise one question from a round, a topic, or by id.
    Practice(PracticeArgs),
    /// Grade one answer and print the result.
    Answer(AnswerArgs),
    /// List the question bank.
    Questions(QuestionsArgs),
    /// List past sessions, or show one.
    Review(ReviewArgs),
    /// Measure the scorer against a file of graded answers (JSON lines).
    Eval(EvalArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Args)]
pub struct SessionOptions {
    /// The level to practise for.
    #[arg(long, default_value = "senior", value_parser = parse_level)]
    pub level: Level,
    /// Seed for choosing questions (the same seed asks the same questions).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Follow-up questions per question (0 asks none).
    #[arg(long = "follow-ups", default_value_t = 1)]
    pub follow_ups: u32,
    /// Plain line mode, for scripts and screen readers (automatic when stdin is not a terminal).
    #[arg(long)]
    pub plain: bool,
    /// Grade with the offline scorer even when a model endpoint is configured.
    #[arg(long)]
    pub offline: bool,
    /// Where sessions are kept (default: HOTSEAT_HOME, else the platform's data directory).
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LoopArgs {
    /// screen (1–2 coding problems, 45 minutes) or onsite (all rounds).
    #[arg(long)]
    pub plan: String,
    #[command(flatten)]
    pub options: SessionOptions,
}

#[derive(Debug, Args)]
pub struct PracticeArgs {
    /// A round (e.g. sql), a topic (e.g. window-functions) or a question id.
    pub target: String,
    #[command(flatten)]
    pub options: SessionOptions,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["text", "file"]))]
pub struct AnswerArgs {
    /// The question's id or its exact text.
    #[arg(long)]
    pub question: String,
    /// The answer.
    #[arg(long)]
    pub text: Option<String>,
    /// A file holding the answer.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// The round whose rubric grades a question that is not in the bank.
    #[arg(long)]
    pub round: Option<String>,
    #[arg(long, default_value = "senior", value_parser = parse_level)]
    pub level: Level,
    /// Use the offline scorer.
    #[arg(long)]
    pub offline: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Only this round.
    #[arg(long)]
    pub round: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// A session id; without one, the list of sessions.
    pub session: Option<String>,
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// JSON lines: {"round", "question", "answer", "grade", "kind"}. Several files are read as one set.
    #[arg(required = true, value_name = "FILE.jsonl")]
    pub files: Vec<PathBuf>,
    /// Use the offline scorer.
    #[arg(long)]
    pub offline: bool,
    #[arg(long)]
    pub json: bool,
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
}
