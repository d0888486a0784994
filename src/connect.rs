//! Building what a command talks to from the settings: a model scorer and a model interviewer
//! when an endpoint is configured for their roles, the offline scorer and the bank's probes when
//! not (or with `--offline`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;

use crate::config::{ConfigError, Flags, Role, Settings};
use crate::content::Bank;
use crate::debrief::{Debriefer, ModelDebriefer};
use crate::interviewer::{Interviewer, ModelInterviewer, ProbeInterviewer};
use crate::llm::{FormatMemory, ModelClient, ModelError, RetryPolicy, Timeouts};
use crate::paths;
use crate::prompts::{PromptError, Prompts};
use crate::scoring::Scorer;
use crate::scoring::model::ModelScorer;
use crate::scoring::offline::OfflineScorer;
use crate::session::Services;
use crate::store::DirStore;

#[derive(Debug, Error)]
pub enum ConnectError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Prompt(#[from] PromptError),
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// What the command line adds to the settings.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub flags: Flags,
    /// Gradings per answer (the median is reported).
    pub samples: u32,
}

/// The settings from every layer: the config file, the environment, then the flags.
pub fn settings(flags: &Flags) -> Result<Settings, ConfigError> {
    Settings::load(
        paths::config_file().as_deref(),
        &|name| std::env::var(name).ok(),
        flags,
    )
}

pub fn timeouts(settings: &Settings) -> Timeouts {
    Timeouts {
        connect: settings.connect_timeout,
        read: settings.read_timeout,
    }
}

/// A client for a role, or `None` when that role is offline.
pub fn client(settings: &Settings, role: Role) -> Result<Option<ModelClient>, ModelError> {
    settings
        .endpoint(role)
        .map(|e| ModelClient::new(&e, timeouts(settings), RetryPolicy::default()))
        .transpose()
}

/// Where the output modes each server accepts are remembered between runs.
pub fn formats_file(data_dir: &Path) -> PathBuf {
    data_dir.join("formats.json")
}

/// The user's prompts over the bundled ones, loaded once and shared by every role.
fn prompts() -> Result<Arc<Prompts>, ConnectError> {
    Ok(Arc::new(Prompts::load(paths::user_prompts().as_deref())?))
}

/// The model scorer, or `None` when grading is offline.
pub fn model_scorer(
    bank: &Bank,
    settings: &Settings,
    samples: u32,
    data_dir: &Path,
) -> Result<Option<ModelScorer>, ConnectError> {
    model_scorer_with(bank, settings, samples, data_dir, &prompts()?)
}

fn model_scorer_with(
    bank: &Bank,
    settings: &Settings,
    samples: u32,
    data_dir: &Path,
    prompts: &Arc<Prompts>,
) -> Result<Option<ModelScorer>, ConnectError> {
    let Some(client) = client(settings, Role::Scoring)? else {
        return Ok(None);
    };
    Ok(Some(ModelScorer::new(
        client,
        prompts.clone(),
        bank.lexicon.clone(),
        Arc::new(FormatMemory::at(formats_file(data_dir))),
        samples,
        settings.concurrency,
    )))
}

/// The scorer the settings ask for.
pub fn scorer(
    bank: &Bank,
    settings: &Settings,
    samples: u32,
    data_dir: &Path,
) -> Result<Box<dyn Scorer>, ConnectError> {
    Ok(match model_scorer(bank, settings, samples, data_dir)? {
        Some(model) => Box::new(model),
        None => Box::new(OfflineScorer::new(bank.lexicon.clone())),
    })
}

/// Everything a session needs, with sessions kept under `data_dir`.
pub fn services(
    bank: Bank,
    data_dir: &Path,
    choice: &Choice,
) -> Result<Arc<Services>, ConnectError> {
    let settings = settings(&choice.flags)?;
    let prompts = prompts()?;
    let scorer: Box<dyn Scorer> =
        match model_scorer_with(&bank, &settings, choice.samples.max(1), data_dir, &prompts)? {
            Some(model) => Box::new(model),
            None => Box::new(OfflineScorer::new(bank.lexicon.clone())),
        };
    // The candidate waits for a follow-up (Ctrl-N moves on): fewer retries and a shorter leash
    // than for grading, which runs in the background.
    let waiting = RetryPolicy {
        retries: 1,
        max_retry_after: Duration::from_secs(5),
        ..RetryPolicy::default()
    };
    let asking = settings
        .endpoint(Role::Interviewer)
        .map(|e| {
            let mut t = timeouts(&settings);
            t.read = t.read.min(Duration::from_secs(60));
            ModelClient::new(&e, t, waiting)
        })
        .transpose()?;
    let interviewer: Box<dyn Interviewer> = match asking {
        Some(client) => Box::new(ModelInterviewer::new(
            client,
            prompts.clone(),
            bank.lexicon.clone(),
        )),
        None => Box::new(ProbeInterviewer::new(OfflineScorer::new(
            bank.lexicon.clone(),
        ))),
    };
    let debriefer: Option<Box<dyn Debriefer>> = match client(&settings, Role::Interviewer)? {
        Some(client) => Some(Box::new(ModelDebriefer::new(client, prompts))),
        None => None,
    };
    Ok(Arc::new(Services {
        scorer,
        interviewer,
        store: Box::new(DirStore::new(data_dir)),
        debriefer,
        bank,
    }))
}
