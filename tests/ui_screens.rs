//! Snapshots of each screen, drawn into a `TestBackend` from state alone.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use hotseat::content::{Bank, Level};
use hotseat::debrief::Debriefer;
use hotseat::interview::{Interview, SessionMeta, plan};
use hotseat::session::{Reply, Services, Session};
use hotseat::ui::{App, Msg, draw};

struct Fixture {
    app: App,
    rx: Receiver<Msg>,
    _data: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let data = tempfile::tempdir().expect("temp dir");
    let services = Services::offline(Bank::bundled().expect("bundled content"), data.path());
    let (tx, rx) = channel();
    Fixture {
        app: App::new(services, tx),
        rx,
        _data: data,
    }
}

fn start(f: &mut Fixture, plan_name: &str, follow_ups: u32) {
    let services = f.app.services.clone();
    let plan = plan::named(&services.bank, plan_name, Level::Senior, 4).expect("plan");
    let meta = SessionMeta {
        id: "20261129-090000-test".into(),
        started_at: Utc
            .with_ymd_and_hms(2026, 11, 29, 9, 0, 0)
            .single()
            .expect("date"),
        rubrics: BTreeMap::new(),
        follow_ups,
    };
    let (session, replies) = Session::new(Interview::new(plan, meta), services);
    f.app.attach(session, replies);
}

fn key(f: &mut Fixture, code: KeyCode, modifiers: KeyModifiers) {
    f.app.update(Msg::Key(KeyEvent::new(code, modifiers)));
}

fn type_text(f: &mut Fixture, text: &str) {
    for c in text.chars() {
        key(f, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

/// Feeds worker replies to the app until nothing more arrives.
fn settle(f: &mut Fixture) {
    while let Ok(msg) = f.rx.recv_timeout(Duration::from_millis(300)) {
        if matches!(msg, Msg::Reply { .. }) {
            f.app.update(msg);
        }
    }
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal.draw(|frame| draw(frame, app)).expect("draw");
    terminal.backend().to_string()
}

#[test]
fn home_screen() {
    let f = fixture();
    insta::assert_snapshot!(screen(&f.app));
}

#[test]
fn home_screen_after_changing_level_and_follow_ups() {
    let mut f = fixture();
    key(&mut f, KeyCode::Down, KeyModifiers::NONE);
    key(&mut f, KeyCode::Char('l'), KeyModifiers::NONE);
    key(&mut f, KeyCode::Char('f'), KeyModifiers::NONE);
    let s = screen(&f.app);
    assert!(s.contains("Level: staff"), "{s}");
    assert!(s.contains("Follow-up questions per answer: 2"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn interview_screen_with_a_draft() {
    let mut f = fixture();
    start(&mut f, "screen", 0);
    type_text(
        &mut f,
        "I would use a min-heap of size k, because each push costs log k.",
    );
    key(&mut f, KeyCode::Enter, KeyModifiers::NONE);
    type_text(&mut f, "Edge cases: k larger than n.");
    insta::assert_snapshot!(screen(&f.app));
}

#[test]
fn interview_screen_paused() {
    let mut f = fixture();
    start(&mut f, "screen", 0);
    type_text(&mut f, "draft");
    key(&mut f, KeyCode::Char('p'), KeyModifiers::CONTROL);
    let s = screen(&f.app);
    assert!(s.contains("Paused. The clock is stopped."), "{s}");
    // Typing while paused changes nothing.
    type_text(&mut f, "zzz");
    key(&mut f, KeyCode::Char('p'), KeyModifiers::CONTROL);
    assert!(!screen(&f.app).contains("zzz"));
    insta::assert_snapshot!(s);
}

#[test]
fn interview_screen_asking_for_confirmation_to_end() {
    let mut f = fixture();
    start(&mut f, "screen", 0);
    key(&mut f, KeyCode::Esc, KeyModifiers::NONE);
    insta::assert_snapshot!(screen(&f.app));
}

#[test]
fn interview_screen_with_a_follow_up() {
    let mut f = fixture();
    start(&mut f, "screen", 1);
    type_text(&mut f, "I would sort it.");
    key(&mut f, KeyCode::Char('s'), KeyModifiers::CONTROL);
    settle(&mut f);
    let s = screen(&f.app);
    assert!(s.contains("Follow-up:"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn debrief_screen() {
    let mut f = fixture();
    start(&mut f, "screen", 0);
    type_text(
        &mut f,
        "I would use a heap because it keeps the k largest items, so each insert costs log k time.",
    );
    key(&mut f, KeyCode::Char('s'), KeyModifiers::CONTROL);
    key(&mut f, KeyCode::Char('n'), KeyModifiers::CONTROL);
    settle(&mut f);
    let s = screen(&f.app);
    assert!(s.contains("Debrief"), "{s}");
    assert!(s.contains("offline estimate"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn ending_from_the_interview_keeps_the_draft() {
    let mut f = fixture();
    start(&mut f, "screen", 0);
    type_text(&mut f, "an unfinished thought");
    key(&mut f, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut f, KeyCode::Char('y'), KeyModifiers::NONE);
    settle(&mut f);
    let session = f.app.session().expect("session");
    let t = session.interview().transcript();
    assert_eq!(
        t.questions[0].turns[0].answer.as_deref(),
        Some("an unfinished thought")
    );
    assert!(screen(&f.app).contains("Debrief"));
}

#[test]
fn interview_screen_while_the_follow_up_is_written() {
    let mut f = fixture();
    start(&mut f, "screen", 1);
    type_text(&mut f, "I would sort it.");
    key(&mut f, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let thinking = screen(&f.app);
    assert!(
        thinking.contains("The interviewer is thinking…"),
        "{thinking}"
    );
    assert!(thinking.contains("Ctrl-N moves on"), "{thinking}");

    // The words arrive before the finished question does.
    let Ok(Msg::Reply { generation, .. }) = f.rx.recv_timeout(Duration::from_secs(5)) else {
        panic!("the interviewer replies");
    };
    let Some(hotseat::interview::Phase::AwaitingFollowUp { ticket, .. }) =
        f.app.session().map(|s| s.interview().phase().clone())
    else {
        panic!("waiting for the follow-up");
    };
    f.app.update(Msg::Reply {
        generation,
        reply: Reply::FollowUpText {
            ticket,
            text: "What happens to your sort when the input".into(),
        },
    });
    let writing = screen(&f.app);
    assert!(
        writing.contains("What happens to your sort when the input"),
        "{writing}"
    );
    insta::assert_snapshot!(format!("{thinking}\n{writing}"));
}

/// Writes a fixed debrief, in two pieces, as a model would stream it.
struct FixedDebriefer;

impl Debriefer for FixedDebriefer {
    fn identity(&self) -> String {
        "model:fixed".into()
    }

    fn write(
        &self,
        _transcript: &hotseat::transcript::Transcript,
        progress: &mut (dyn FnMut(&str) + Send),
        _cancel: &tokio_util::sync::CancellationToken,
    ) -> Result<String, String> {
        progress("Lean no hire.");
        let text = "Lean no hire. The heap was the right idea, but the cost of each step went unexplained.";
        progress(text);
        Ok(text.into())
    }
}

#[test]
fn debrief_screen_with_the_written_debrief() {
    let data = tempfile::tempdir().expect("temp dir");
    let offline = Services::offline(Bank::bundled().expect("bundled content"), data.path());
    let services = match std::sync::Arc::try_unwrap(offline) {
        Ok(mut s) => {
            s.debriefer = Some(Box::new(FixedDebriefer));
            std::sync::Arc::new(s)
        }
        Err(_) => panic!("services are not shared yet"),
    };
    let (tx, rx) = channel();
    let mut f = Fixture {
        app: App::new(services, tx),
        rx,
        _data: data,
    };
    start(&mut f, "screen", 0);
    type_text(&mut f, "I would use a heap of size k.");
    key(&mut f, KeyCode::Char('s'), KeyModifiers::CONTROL);
    key(&mut f, KeyCode::Char('n'), KeyModifiers::CONTROL);
    settle(&mut f);
    let s = screen(&f.app);
    assert!(s.contains("Written debrief"), "{s}");
    assert!(s.contains("step went unexplained"), "{s}");
    let saved = f.app.session().expect("session").interview().transcript();
    assert_eq!(
        saved.written_debrief.as_ref().map(|w| w.by.as_str()),
        Some("model:fixed")
    );
    insta::assert_snapshot!(s);
}
