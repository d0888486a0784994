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
    #[command(flatten)]
    pub model: ModelOptions,
}

/// Which endpoint and model; without an endpoint anywhere, everything runs offline.
#[derive(Debug, Clone, Default, Args)]
pub struct EndpointOptions {
    /// An OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (over the config file and environment).
    #[arg(long = "base-url", value_name = "URL")]
    pub base_url: Option<String>,
    /// The model that grades and interviews.
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Grade with the offline scorer even when a model endpoint is configured.
    #[arg(long)]
    pub offline: bool,
}

/// Which model grades and interviews, and how many times it grades each answer.
#[derive(Debug, Clone, Default, Args)]
pub struct ModelOptions {
    #[command(flatten)]
    pub endpoint: EndpointOptions,
    /// Grade each answer N times and report the median and the spread.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=15))]
    pub samples: u32,
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
    /// Check the model endpoint: reachable, key, models, structured output, transcription, speech.
    Doctor(DoctorArgs),
    /// Grade stored answers again (after a model or rubric change, or a failed grade).
    Rescore(RescoreArgs),
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
    #[command(flatten)]
    pub model: ModelOptions,
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
    #[command(flatten)]
    pub model: ModelOptions,
    #[arg(long = "data-dir", value_name = "DIR", hide = true)]
    pub data_dir: Option<PathBuf>,
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
    #[command(flatten)]
    pub model: ModelOptions,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub endpoint: EndpointOptions,
    /// Where sessions are kept (default: HOTSEAT_HOME, else the platform's data directory).
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["session", "all", "pending"]))]
pub struct RescoreArgs {
    /// The session to grade again.
    pub session: Option<String>,
    /// Every stored session.
    #[arg(long)]
    pub all: bool,
    /// Only answers whose model grade failed (marked for rescore), in every session.
    #[arg(long)]
    pub pending: bool,
    #[command(flatten)]
    pub model: ModelOptions,
    /// Where sessions are kept (default: HOTSEAT_HOME, else the platform's data directory).
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
}

impl EndpointOptions {
    pub fn flags(&self) -> crate::config::Flags {
        crate::config::Flags {
            base_url: self.base_url.clone(),
            model: self.model.clone(),
            offline: self.offline,
        }
    }
}

impl ModelOptions {
    pub fn choice(&self) -> crate::connect::Choice {
        crate::connect::Choice {
            flags: self.endpoint.flags(),
            samples: self.samples,
        }
    }
}
