//! `hotseat rescore SESSION | --all | --pending`: grade stored answers again with the configured
//! model, with a progress bar. New grades go beside the earlier ones (each names its scorer), so
//! nothing is lost; an answer the model fails on again keeps what it had.

use std::fmt::Write;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::mpsc::channel;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::args::RescoreArgs;
use super::{UsageError, emit, load_bank};
use crate::connect;
use crate::content::Bank;
use crate::content::Level;
use crate::paths;
use crate::scoring::model::ModelScorer;
use crate::scoring::{Score, ScoreRequest};
use crate::store::{DirStore, Store};

#[derive(Serialize)]
struct Failure {
    session: String,
    question: String,
    error: String,
}

#[derive(Serialize)]
struct Output {
    scorer: String,
    regraded: usize,
    sessions: usize,
    failed: Vec<Failure>,
}

/// One answer to grade: where it goes back (session, question) and what a worker needs to grade
/// it, so that workers never read the transcripts the main thread is writing.
struct Job {
    session: usize,
    question: usize,
    id: String,
    answer: String,
    level: Level,
}

pub fn run(args: RescoreArgs) -> Result<()> {
    let bank = load_bank()?;
    let choice = args.model.choice();
    let settings = connect::settings(&choice.flags)?;
    let data_dir = paths::data_dir(args.data_dir.clone());
    let Some(scorer) = connect::model_scorer(&bank, &settings, choice.samples, &data_dir)? else {
        let why = if settings.offline {
            "--offline or HOTSEAT_OFFLINE is set"
        } else {
            "no model endpoint is configured"
        };
        return Err(UsageError(format!(
            "rescore grades with a model, and {why}; give --base-url (and --model), or see `hotseat doctor`"
        ))
        .into());
    };
    let store = DirStore::new(&data_dir);
    let mut transcripts = match &args.session {
        Some(id) => vec![store.load(id)?],
        None => {
            let (sessions, _unreadable) = store.list()?;
            sessions
                .iter()
                .filter_map(|s| store.load(&s.id).ok())
                .collect()
        }
    };
    let jobs: Vec<Job> = transcripts
        .iter()
        .enumerate()
        .flat_map(|(session, t)| {
            t.questions
                .iter()
                .enumerate()
                .filter(|(_, q)| q.answered())
                .filter(|(_, q)| !args.pending || q.score().is_none_or(|s| s.needs_rescore()))
                .map(move |(question, q)| Job {
                    session,
                    question,
                    id: q.id.clone(),
                    answer: q.combined_answer(),
                    level: t.plan.level,
                })
        })
        .collect();

    let bar = progress(jobs.len() as u64);
    let (done, results) = channel();
    let queue = Mutex::new(jobs.into_iter());
    let workers = settings.concurrency.max(1);
    let (mut regraded, mut failed) = (0, Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (done, queue, bank, scorer) = (done.clone(), &queue, &bank, &scorer);
            scope.spawn(move || {
                while let Some(job) = next(queue) {
                    let result = grade(bank, scorer, &job);
                    if done.send((job, result)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done);
        for (job, result) in results {
            let t = &mut transcripts[job.session];
            let question = job.id;
            match result {
                Ok(score) => {
                    t.questions[job.question].scores.push(score);
                    regraded += 1;
                    // Saved at once: an interrupted rescore keeps every grade it finished.
                    if let Err(e) = store.save(t) {
                        failed.push(Failure {
                            session: t.id.clone(),
                            question,
                            error: e.to_string(),
                        });
                    }
                }
                Err(error) => failed.push(Failure {
                    session: t.id.clone(),
                    question,
                    error,
                }),
            }
            bar.inc(1);
        }
    });
    bar.finish_and_clear();

    let sessions = transcripts.len();
    let output = Output {
        scorer: format!("model:{}", scorer.model()),
        regraded,
        sessions,
        failed,
    };
    let mut out = String::new();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&output)?)?;
    } else {
        writeln!(
            out,
            "Graded {} answer{} again in {} session{} with {}; earlier grades are kept beside the new ones.",
            output.regraded,
            if output.regraded == 1 { "" } else { "s" },
            sessions,
            if sessions == 1 { "" } else { "s" },
            output.scorer
        )?;
        for f in &output.failed {
            writeln!(
                out,
                "  not regraded: {} {}: {}",
                f.session, f.question, f.error
            )?;
        }
    }
    emit(&out)?;
    if let Some(first) = output.failed.first() {
        bail!(
            "{} answer{} could not be graded again (first: {}); their earlier grades stand",
            output.failed.len(),
            if output.failed.len() == 1 { "" } else { "s" },
            first.error
        );
    }
    Ok(())
}

fn next<T>(queue: &Mutex<impl Iterator<Item = T>>) -> Option<T> {
    queue.lock().unwrap_or_else(|e| e.into_inner()).next()
}

fn grade(bank: &Bank, scorer: &ModelScorer, job: &Job) -> Result<Score, String> {
    let question = bank
        .question(&job.id)
        .ok_or_else(|| format!("the question {} is no longer in the bank", job.id))?;
    let rubric = bank
        .rubric(&question.round)
        .ok_or_else(|| format!("the round {} has no rubric", question.round))?;
    scorer
        .grade(&ScoreRequest {
            question,
            rubric,
            answer: &job.answer,
            level: job.level,
        })
        .map_err(|e| e.to_string())
}

/// A bar on stderr when it is a terminal; nothing otherwise (scripts read stdout).
fn progress(len: u64) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {pos}/{len} answers graded again · {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}
