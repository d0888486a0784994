//! The plain line mode, for scripts and screen readers: each question is printed, the answer is
//! read up to a line holding only `.`, an empty answer skips, and the end of input ends the
//! session keeping everything answered.

use std::io::{BufRead, Write};
use std::sync::mpsc::Receiver;

use anyhow::{Context, Result};

use crate::interview::{Phase, Rejection, Warning};
use crate::report;
use crate::session::{Outcome, Reply, Session, Writing};
use crate::transcript::{Transcript, TurnKind};

/// An answer block as read from the input.
enum Block {
    Answer(String),
    /// The input ended; whatever was typed of the answer so far.
    Ended(String),
}

fn read_block(input: &mut impl BufRead) -> Result<Block> {
    let mut lines = Vec::new();
    loop {
        let mut raw = Vec::new();
        if input
            .read_until(b'\n', &mut raw)
            .context("while reading the answer")?
            == 0
        {
            return Ok(Block::Ended(lines.join("\n")));
        }
        // A stray invalid byte must not cost the candidate the answer around it.
        let line = String::from_utf8_lossy(&raw);
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim() == "." {
            return Ok(Block::Answer(lines.join("\n")));
        }
        lines.push(line.to_string());
    }
}

pub fn run(
    mut session: Session,
    replies: Receiver<Reply>,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> Result<Transcript> {
    let total = session.interview().transcript().questions.len();
    writeln!(
        out,
        "hotseat — {} ({} question(s), {} level). Grades are offline estimates unless a model is configured.",
        session.interview().plan().title,
        total,
        session.interview().plan().level
    )?;
    let mut outcomes = session.start();
    loop {
        show(&session, &outcomes, out)?;
        outcomes = match session.interview().phase().clone() {
            Phase::Answering { .. } => {
                let block = read_block(&mut input)?;
                let mut o = session.tick();
                o.extend(match block {
                    Block::Answer(text) => session.submit(text),
                    Block::Ended(draft) => {
                        writeln!(
                            out,
                            "\nInput ended: the session is over, and everything answered is kept."
                        )?;
                        session.end(Some(draft))
                    }
                });
                o
            }
            Phase::AwaitingFollowUp { .. } => wait(&mut session, &replies)?,
            Phase::Finished if session.interview().pending_scores() > 0 => {
                wait(&mut session, &replies)?
            }
            Phase::Finished | Phase::NotStarted => break,
        };
    }
    let t = session.interview().transcript().clone();
    writeln!(out, "\n=== Debrief ===")?;
    write!(out, "{}", report::transcript(&t))?;
    write_debrief(&mut session, &replies, out)?;
    writeln!(
        out,
        "\nSaved as session {}. `hotseat review {}` shows it again.",
        t.id, t.id
    )?;
    Ok(session.interview().transcript().clone())
}

/// Prints the written debrief as it is written, when a model writes one.
fn write_debrief(
    session: &mut Session,
    replies: &Receiver<Reply>,
    out: &mut impl Write,
) -> Result<()> {
    if *session.writing() == Writing::None {
        return Ok(());
    }
    writeln!(out, "\n=== Written debrief ===")?;
    out.flush()?;
    let mut printed = 0;
    loop {
        match session.writing() {
            Writing::Text { text, done } => {
                if let Some(new) = text.get(printed..) {
                    write!(out, "{new}")?;
                    out.flush()?;
                }
                printed = text.len();
                if *done {
                    writeln!(out)?;
                    return Ok(());
                }
            }
            Writing::Failed(why) => {
                writeln!(out, "\n(Note: {why})")?;
                return Ok(());
            }
            Writing::None | Writing::Thinking => {}
        }
        let Ok(reply) = replies.recv() else {
            return Ok(());
        };
        session.receive(reply);
    }
}

/// Blocks until a worker replies (a follow-up chosen, an answer graded).
fn wait(session: &mut Session, replies: &Receiver<Reply>) -> Result<Vec<Outcome>> {
    let reply = replies
        .recv()
        .context("a grading worker stopped without replying")?;
    Ok(session.receive(reply))
}

fn show(session: &Session, outcomes: &[Outcome], out: &mut impl Write) -> Result<()> {
    let t = session.interview().transcript();
    for outcome in outcomes {
        match outcome {
            Outcome::Ask { question, turn } => {
                let q = &t.questions[*question];
                let turn = &q.turns[*turn];
                match turn.kind {
                    TurnKind::Question => writeln!(
                        out,
                        "\n--- Question {} of {} · {} · about {} min ---\n{}",
                        question + 1,
                        t.questions.len(),
                        report::round_name(&q.round),
                        q.minutes,
                        turn.prompt
                    )?,
                    TurnKind::FollowUp => writeln!(out, "\n--- Follow-up ---\n{}", turn.prompt)?,
                }
                writeln!(
                    out,
                    "(Answer, then a line holding only \".\"; an empty answer skips.)"
                )?;
            }
            Outcome::Warn(Warning::AnswerOverTime { question }) => writeln!(
                out,
                "(That answer went over its {}-minute budget.)",
                t.questions[*question].minutes
            )?,
            Outcome::Warn(Warning::RoundOverTime { .. }) => {
                writeln!(out, "(This round is over its time budget.)")?
            }
            Outcome::SaveFailed(e) => writeln!(
                out,
                "Warning: {e}. Your answers are kept in memory and saving will be retried."
            )?,
            Outcome::Rejected(Rejection::Paused) => writeln!(out, "(Paused.)")?,
            Outcome::Notice(notice) => writeln!(out, "(Note: {notice})")?,
            // Line mode prints the follow-up whole, when it is asked.
            Outcome::FollowUpText
            | Outcome::DebriefText
            | Outcome::Rejected(_)
            | Outcome::Finished
            | Outcome::DebriefReady => {}
        }
    }
    out.flush()?;
    Ok(())
}
