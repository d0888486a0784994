//! Owning the terminal: raw mode and the alternate screen (restored on every exit, panics
//! included), the input and tick threads, and handing the terminal to `$EDITOR`.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossterm::event::{self, Event};

use super::app::{App, Command, Msg};
use super::{Start, draw};
use crate::session::Services;

const TICK: Duration = Duration::from_millis(250);
const POLL: Duration = Duration::from_millis(50);
/// How long quitting waits for grades still being worked on.
const GRADE_GRACE: Duration = Duration::from_secs(5);

pub fn run(start: Start, services: Arc<Services>) -> Result<()> {
    let (tx, rx) = channel();
    let mut app = App::new(services, tx.clone());
    if let Start::Plan { plan, follow_ups } = start {
        app.start_session(plan, follow_ups);
    }
    // ratatui::init installs a panic hook that restores the terminal before the panic is printed.
    let mut terminal = ratatui::init();
    let input_paused = Arc::new(AtomicBool::new(false));
    spawn_input(tx.clone(), input_paused.clone());
    spawn_ticker(tx);

    let result = (|| -> Result<()> {
        loop {
            terminal
                .draw(|f| draw(f, &app))
                .context("while drawing the screen")?;
            let msg = rx.recv().context("the UI's input stopped")?;
            match app.update(msg) {
                Some(Command::Quit) => {
                    // Let grades already under way land in their transcripts before leaving.
                    let deadline = Instant::now() + GRADE_GRACE;
                    while app.pending_scores() > 0 {
                        let left = deadline.saturating_duration_since(Instant::now());
                        match rx.recv_timeout(left) {
                            Ok(msg @ Msg::Reply { .. }) => {
                                app.update(msg);
                            }
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                    return Ok(());
                }
                Some(Command::Edit(draft)) => {
                    input_paused.store(true, Ordering::SeqCst);
                    thread::sleep(POLL * 2);
                    ratatui::restore();
                    let edited = edit_externally(&draft);
                    terminal = ratatui::init();
                    terminal.clear()?;
                    input_paused.store(false, Ordering::SeqCst);
                    app.update(Msg::Edited(edited.map_err(|e| format!("{e:#}"))));
                }
                None => {}
            }
        }
    })();
    ratatui::restore();
    result
}

fn spawn_input(tx: Sender<Msg>, paused: Arc<AtomicBool>) {
    thread::spawn(move || {
        loop {
            if paused.load(Ordering::SeqCst) {
                thread::sleep(POLL);
                continue;
            }
            match event::poll(POLL) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(_) => return,
            }
            let msg = match event::read() {
                Ok(Event::Key(key)) => Msg::Key(key),
                Ok(Event::Paste(text)) => Msg::Paste(text),
                Ok(Event::Resize(..)) => Msg::Tick,
                Ok(_) => continue,
                Err(_) => return,
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
}

fn spawn_ticker(tx: Sender<Msg>) {
    thread::spawn(move || {
        while tx.send(Msg::Tick).is_ok() {
            thread::sleep(TICK);
        }
    });
}

/// Opens the draft in `$VISUAL` / `$EDITOR` (else `vi`) and returns what was saved.
fn edit_externally(draft: &str) -> Result<String> {
    let mut file = tempfile::Builder::new()
        .prefix("hotseat-answer-")
        .suffix(".md")
        .tempfile()?;
    file.write_all(draft.as_bytes())?;
    if !draft.is_empty() && !draft.ends_with('\n') {
        file.write_all(b"\n")?;
    }
    file.flush()?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(file.path())
        .status()
        .with_context(|| format!("could not start the editor {editor:?}"))?;
    if !status.success() {
        anyhow::bail!("the editor {editor:?} exited with {status}; the draft is unchanged");
    }
    Ok(std::fs::read_to_string(file.path())?)
}
