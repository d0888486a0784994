//! The UI's state and how messages change it. Drawing lives in the screen modules and reads this
//! state only; this is where keys become session calls.

use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::thread;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui_textarea::{TextArea, WrapMode};

use super::debrief::DebriefView;
use super::home::HomeView;
use crate::content::Level;
use crate::interview::{Millis, Phase, Plan, Rejection, Warning, plan};
use crate::session::{Outcome, Reply, Services, Session};
use crate::store::SessionSummary;

/// Everything that reaches the main loop.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Tick,
    /// A worker's reply for the session of that generation.
    Reply {
        generation: u64,
        reply: Reply,
    },
    /// The text back from `$EDITOR`, or why it failed.
    Edited(Result<String, String>),
}

/// What the main loop must do outside the state.
#[derive(Debug, PartialEq)]
pub enum Command {
    Quit,
    /// Open this draft in `$EDITOR`.
    Edit(String),
}

pub enum Screen {
    Home(HomeView),
    Interview(Box<InterviewView>),
    Debrief(DebriefView),
}

pub struct InterviewView {
    pub editor: TextArea<'static>,
    pub confirm_end: bool,
}

pub struct App {
    pub screen: Screen,
    pub services: Arc<Services>,
    /// The session on screen, with its generation.
    pub session: Option<(u64, Session)>,
    /// Ended sessions still waiting for grades.
    finishing: Vec<(u64, Session)>,
    generation: u64,
    tx: Sender<Msg>,
    /// Session time at the last tick, so that drawing never reads a clock.
    pub now: Millis,
    pub notice: Option<String>,
    pub recent: Vec<SessionSummary>,
    pub level: Level,
    pub follow_ups: u32,
}

fn editor() -> TextArea<'static> {
    let mut editor = TextArea::default();
    editor.set_wrap_mode(WrapMode::WordOrGlyph);
    editor.set_placeholder_text("Type your answer. Ctrl-S submits it.");
    editor
}

impl App {
    pub fn new(services: Arc<Services>, tx: Sender<Msg>) -> App {
        let recent = services.store.list().map(|(s, _)| s).unwrap_or_default();
        let home = HomeView::new(&services.bank);
        App {
            screen: Screen::Home(home),
            services,
            session: None,
            finishing: Vec::new(),
            generation: 0,
            tx,
            now: 0,
            notice: None,
            recent,
            level: Level::Senior,
            follow_ups: 1,
        }
    }

    /// Grades still being worked on, for the session on screen and those the candidate left.
    pub fn pending_scores(&self) -> usize {
        self.session
            .iter()
            .chain(&self.finishing)
            .map(|(_, s)| s.interview().pending_scores())
            .sum()
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref().map(|(_, s)| s)
    }

    pub fn start_session(&mut self, plan: Plan, follow_ups: u32) {
        let (session, replies) = Session::create(&self.services, plan, follow_ups);
        self.attach(session, replies);
    }

    /// Puts a new session on screen and starts it; its workers' replies come back as messages.
    pub fn attach(&mut self, session: Session, replies: std::sync::mpsc::Receiver<Reply>) {
        self.generation += 1;
        let generation = self.generation;
        let tx = self.tx.clone();
        thread::spawn(move || {
            for reply in replies {
                if tx.send(Msg::Reply { generation, reply }).is_err() {
                    return;
                }
            }
        });
        self.session = Some((generation, session));
        self.screen = Screen::Interview(Box::new(InterviewView {
            editor: editor(),
            confirm_end: false,
        }));
        self.notice = None;
        self.now = 0;
        let outcomes = self.with_session(Session::start);
        self.apply(outcomes);
    }

    fn with_session(&mut self, f: impl FnOnce(&mut Session) -> Vec<Outcome>) -> Vec<Outcome> {
        match &mut self.session {
            Some((_, s)) => f(s),
            None => Vec::new(),
        }
    }

    pub fn update(&mut self, msg: Msg) -> Option<Command> {
        match msg {
            Msg::Tick => {
                if let Some((_, s)) = &self.session {
                    self.now = s.now();
                }
                let outcomes = self.with_session(Session::tick);
                self.apply(outcomes);
                None
            }
            Msg::Reply { generation, reply } => {
                self.reply(generation, reply);
                None
            }
            Msg::Paste(text) => {
                if let Screen::Interview(view) = &mut self.screen {
                    view.editor.insert_str(text);
                }
                None
            }
            Msg::Edited(result) => {
                match (result, &mut self.screen) {
                    (Ok(text), Screen::Interview(view)) => {
                        let mut fresh = editor();
                        fresh.insert_str(text.trim_end());
                        view.editor = fresh;
                    }
                    (Err(e), _) => self.notice = Some(e),
                    _ => {}
                }
                None
            }
            Msg::Key(key) if key.kind == KeyEventKind::Release => None,
            Msg::Key(key) => self.key(key),
        }
    }

    fn reply(&mut self, generation: u64, reply: Reply) {
        if let Some((g, _)) = &self.session
            && *g == generation
        {
            let outcomes = self.with_session(|s| s.receive(reply));
            self.apply(outcomes);
            return;
        }
        // Grades for a session the candidate has left still belong in its transcript.
        if let Some(i) = self.finishing.iter().position(|(g, _)| *g == generation) {
            let session = &mut self.finishing[i].1;
            session.receive(reply);
            if session.interview().pending_scores() == 0 {
                self.finishing.remove(i);
            }
        }
    }

    fn apply(&mut self, outcomes: Vec<Outcome>) {
        for outcome in outcomes {
            match outcome {
                Outcome::Ask { .. } => {
                    if let Screen::Interview(view) = &mut self.screen {
                        view.editor = editor();
                    }
                    self.notice = None;
                }
                Outcome::Warn(Warning::AnswerOverTime { question }) => {
                    let minutes = self.session().map_or(0, |s| {
                        s.interview().transcript().questions[question].minutes
                    });
                    self.notice = Some(format!(
                        "This answer is past its {minutes}-minute budget. Finish your thought; nothing is locked."
                    ));
                }
                Outcome::Warn(Warning::RoundOverTime { stage }) => {
                    let minutes = self
                        .session()
                        .map_or(0, |s| s.interview().plan().stages[stage].minutes);
                    self.notice = Some(format!("This round is past its {minutes}-minute budget."));
                }
                Outcome::Finished => {
                    self.screen = Screen::Debrief(DebriefView::default());
                    self.notice = None;
                }
                Outcome::DebriefReady => {
                    // The written debrief, when one is coming, opens the list.
                    if let Screen::Debrief(view) = &mut self.screen {
                        *view = DebriefView::default();
                    }
                }
                Outcome::FollowUpText | Outcome::DebriefText => {}
                Outcome::Notice(notice) => self.notice = Some(notice),
                Outcome::Rejected(Rejection::Paused) => {
                    self.notice = Some("Paused: Ctrl-P resumes.".into())
                }
                Outcome::Rejected(Rejection::WaitingForInterviewer) => {
                    self.notice = Some("The interviewer is choosing a follow-up…".into())
                }
                Outcome::Rejected(_) => {}
                Outcome::SaveFailed(e) => {
                    self.notice = Some(format!(
                        "{e}. Your answers are kept and saving will be retried."
                    ))
                }
            }
        }
    }

    fn key(&mut self, key: KeyEvent) -> Option<Command> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q')) {
            return self.quit();
        }
        match &mut self.screen {
            Screen::Home(_) => self.home_key(key),
            Screen::Interview(_) => self.interview_key(key, ctrl),
            Screen::Debrief(_) => self.debrief_key(key),
        }
    }

    /// Ends the session in progress, keeping what was typed, and leaves.
    fn quit(&mut self) -> Option<Command> {
        if let Screen::Interview(view) = &self.screen {
            let draft = view.editor.lines().join("\n");
            self.with_session(|s| s.end(Some(draft)));
        }
        Some(Command::Quit)
    }

    fn home_key(&mut self, key: KeyEvent) -> Option<Command> {
        let Screen::Home(home) = &mut self.screen else {
            return None;
        };
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => home.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => home.move_by(1),
            KeyCode::Char('l') => {
                self.level = match self.level {
                    Level::Mid => Level::Senior,
                    Level::Senior => Level::Staff,
                    Level::Staff => Level::Mid,
                }
            }
            KeyCode::Char('f') => self.follow_ups = (self.follow_ups + 1) % 4,
            KeyCode::Char('q') | KeyCode::Esc => return Some(Command::Quit),
            KeyCode::Enter => {
                let seed = fastrand::u64(..1_000_000);
                let planned = match home.selected_action() {
                    Some(super::home::Action::Plan(name)) => {
                        plan::named(&self.services.bank, &name, self.level, seed)
                    }
                    Some(super::home::Action::Practice(target)) => {
                        plan::practice(&self.services.bank, &target, self.level, seed)
                    }
                    None => return None,
                };
                match planned {
                    Ok(p) => self.start_session(p, self.follow_ups),
                    Err(e) => self.notice = Some(e.to_string()),
                }
            }
            _ => {}
        }
        None
    }

    fn interview_key(&mut self, key: KeyEvent, ctrl: bool) -> Option<Command> {
        let answering = matches!(
            self.session().map(|s| s.interview().phase()),
            Some(Phase::Answering { .. })
        );
        let paused = self.session().is_some_and(|s| s.interview().is_paused());
        let Screen::Interview(view) = &mut self.screen else {
            return None;
        };
        let draft = view.editor.lines().join("\n");
        if view.confirm_end {
            view.confirm_end = false;
            if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                let outcomes = self.with_session(|s| s.end(Some(draft)));
                self.apply(outcomes);
            }
            return None;
        }
        let outcomes = match key.code {
            KeyCode::Esc => {
                view.confirm_end = true;
                return None;
            }
            KeyCode::Char('o') if ctrl && answering && !paused => {
                return Some(Command::Edit(draft));
            }
            KeyCode::Char('s') if ctrl => self.with_session(|s| s.submit(draft)),
            KeyCode::Char('n') if ctrl => self.with_session(Session::skip),
            KeyCode::Char('p') if ctrl => {
                self.notice = None;
                self.with_session(Session::toggle_pause)
            }
            _ if answering && !paused => {
                view.editor.input(key);
                Vec::new()
            }
            _ => Vec::new(),
        };
        self.apply(outcomes);
        None
    }

    fn debrief_key(&mut self, key: KeyEvent) -> Option<Command> {
        let count = self.session().map_or(0, super::debrief::rows);
        let Screen::Debrief(view) = &mut self.screen else {
            return None;
        };
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => view.select(-1, count),
            KeyCode::Down | KeyCode::Char('j') => view.select(1, count),
            KeyCode::PageDown | KeyCode::Char(' ') => view.scroll = view.scroll.saturating_add(10),
            KeyCode::PageUp => view.scroll = view.scroll.saturating_sub(10),
            KeyCode::Char('q') => return Some(Command::Quit),
            KeyCode::Enter | KeyCode::Esc | KeyCode::Char('h') => self.go_home(),
            _ => {}
        }
        None
    }

    fn go_home(&mut self) {
        if let Some((g, s)) = self.session.take()
            && s.interview().pending_scores() > 0
        {
            self.finishing.push((g, s));
        }
        self.recent = self
            .services
            .store
            .list()
            .map(|(s, _)| s)
            .unwrap_or_default();
        self.screen = Screen::Home(HomeView::new(&self.services.bank));
        self.notice = None;
    }
}
