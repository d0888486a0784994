//! `cargo bench --bench model`: what hotseat adds on top of a model server, measured against a
//! local OpenAI-protocol server with fixed delays. Prints figures; asserts no time.
//! - overhead per scoring call: a graded answer's wall time minus the server's delay;
//! - a 6-round loop: wall time from the first answer to the last grade, against the slowest call;
//! - submit to first token on screen, against the server's own first token.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use hotseat::content::{Bank, Level};
use hotseat::interview::{Interview, SessionMeta, plan};
use hotseat::interviewer::{Interviewer, ModelInterviewer, ProbeInterviewer};
use hotseat::llm::{FormatMemory, ModelClient, RetryPolicy};
use hotseat::prompts::Prompts;
use hotseat::scoring::model::ModelScorer;
use hotseat::scoring::offline::OfflineScorer;
use hotseat::scoring::{ScoreRequest, Scorer};
use hotseat::session::{Outcome, Services, Session};
use hotseat::store::DirStore;
use hotseat::ui::{App, Msg, draw};
use support::fake_model::{FakeModel, Step, StreamEnd, grading_reply};

const ANSWER: &str = "Queues deliver at least once, so the consumer will see the same message twice after a crash before the ack. \
I make processing idempotent with an idempotency key recorded in a processed table in the same transaction as the side effect, \
and I acknowledge only after the commit.";

fn client(fake: &FakeModel) -> ModelClient {
    support::model::client(
        &fake.base_url(),
        "fake-model",
        None,
        Duration::from_secs(30),
        RetryPolicy::default(),
    )
}

fn scorer(fake: &FakeModel, bank: &Bank, concurrency: usize) -> ModelScorer {
    ModelScorer::new(
        client(fake),
        Arc::new(Prompts::bundled().expect("prompts")),
        bank.lexicon.clone(),
        Arc::new(FormatMemory::new()),
        1,
        concurrency,
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn overhead_per_call(bank: &Bank) {
    let question = bank.question("ds-duplicate-delivery").expect("question");
    let rubric = bank.rubric(&question.round).expect("rubric");
    let request = ScoreRequest {
        question,
        rubric,
        answer: ANSWER,
        level: Level::Senior,
    };
    for delay in [Duration::ZERO, Duration::from_millis(200)] {
        let fake = FakeModel::start();
        fake.respond_with(move |r| Step::after(delay, Step::Reply(grading_reply(r, 3, None))));
        let s = scorer(&fake, bank, 2);
        // The first call pays for the connection and the output-mode choice.
        let _ = s.score(&request);
        let samples: Vec<Duration> = (0..30)
            .map(|_| {
                let start = Instant::now();
                let score = s.score(&request).expect("graded");
                assert_eq!(score.scorer, "model:fake-model");
                start.elapsed()
            })
            .collect();
        let m = median(samples);
        println!(
            "scoring call, server delay {:>4.0} ms: median {:>7.2} ms → hotseat's overhead {:>6.2} ms (prompt, request, parse, checks, offline estimate)",
            ms(delay),
            ms(m),
            ms(m.saturating_sub(delay))
        );
    }
}

fn services(
    fake: &FakeModel,
    bank: Bank,
    concurrency: usize,
    data: &std::path::Path,
    model_interviewer: bool,
) -> Arc<Services> {
    let interviewer: Box<dyn Interviewer> = if model_interviewer {
        Box::new(ModelInterviewer::new(
            client(fake),
            Arc::new(Prompts::bundled().expect("prompts")),
            bank.lexicon.clone(),
        ))
    } else {
        Box::new(ProbeInterviewer::new(OfflineScorer::new(
            bank.lexicon.clone(),
        )))
    };
    Arc::new(Services {
        scorer: Box::new(scorer(fake, &bank, concurrency)),
        interviewer,
        store: Box::new(DirStore::new(data)),
        debriefer: None,
        bank,
    })
}

fn meta() -> SessionMeta {
    SessionMeta {
        id: "bench".into(),
        started_at: Utc
            .with_ymd_and_hms(2026, 11, 29, 9, 0, 0)
            .single()
            .expect("date"),
        rubrics: BTreeMap::new(),
        follow_ups: 0,
    }
}

fn six_round_loop(bank: &Bank) {
    // Six gradings taking 100 to 600 ms at the server, in that order.
    let delays: Vec<Duration> = (1..=6).map(|n| Duration::from_millis(100 * n)).collect();
    let slowest = delays.iter().max().copied().unwrap_or_default();
    for concurrency in [2, 6] {
        let fake = FakeModel::start();
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (seen, d) = (calls.clone(), delays.clone());
        fake.respond_with(move |r| {
            let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Step::after(d[n % d.len()], Step::Reply(grading_reply(r, 3, None)))
        });
        let data = tempfile::tempdir().expect("temp dir");
        let services = services(&fake, bank.clone(), concurrency, data.path(), false);
        let mut plan = plan::named(&services.bank, "onsite", Level::Senior, 1).expect("plan");
        plan.stages.truncate(6);
        for stage in &mut plan.stages {
            stage.questions.truncate(1);
        }
        let (mut session, replies) = Session::new(Interview::new(plan, meta()), services);
        session.start();
        let start = Instant::now();
        for _ in 0..6 {
            session.submit(ANSWER.into());
        }
        let answered = start.elapsed();
        loop {
            let reply = replies.recv().expect("a grade");
            if session.receive(reply).contains(&Outcome::DebriefReady) {
                break;
            }
        }
        let total = start.elapsed();
        println!(
            "6-round loop, gradings of 100–600 ms, {concurrency} at once: all six answers handed in within {:.2} ms; debrief ready after {:>6.0} ms (slowest single call {:.0} ms, sum {:.0} ms)",
            ms(answered),
            ms(total),
            ms(slowest),
            ms(delays.iter().sum())
        );
    }
}

fn first_token_on_screen(bank: &Bank) {
    let server_first_token = Duration::from_millis(150);
    let fake = FakeModel::start();
    fake.respond_with(move |r| {
        let system = r["messages"][0]["content"].as_str().unwrap_or_default();
        if system.contains("You are the interviewer") {
            Step::after(
                server_first_token,
                Step::Stream {
                    chunks: vec![
                        "What fails ".into(),
                        "first when the consumer crashes?".into(),
                    ],
                    pause: Duration::from_millis(50),
                    end: StreamEnd::Done,
                },
            )
        } else {
            Step::Reply(grading_reply(r, 3, None))
        }
    });
    let mut samples = Vec::new();
    for _ in 0..15 {
        let data = tempfile::tempdir().expect("temp dir");
        let services = services(&fake, bank.clone(), 2, data.path(), true);
        let (tx, rx) = channel();
        let mut app = App::new(services.clone(), tx);
        let plan = plan::named(&services.bank, "screen", Level::Senior, 2).expect("plan");
        let mut m = meta();
        m.follow_ups = 1;
        let (session, replies) = Session::new(Interview::new(plan, m), services);
        app.attach(session, replies);
        app.update(Msg::Paste(ANSWER.into()));
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
        let start = Instant::now();
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        )));
        loop {
            let msg = rx.recv().expect("a reply");
            app.update(msg);
            let written = app
                .session()
                .and_then(|s| s.interview().follow_up_text())
                .is_some_and(|t| !t.is_empty());
            if written {
                terminal.draw(|f| draw(f, &app)).expect("draw");
                break;
            }
        }
        samples.push(start.elapsed());
    }
    let m = median(samples);
    println!(
        "submit to first follow-up words on screen: median {:.1} ms, server's first token at {:.0} ms → {:.1} ms added by hotseat",
        ms(m),
        ms(server_first_token),
        ms(m.saturating_sub(server_first_token))
    );
}

fn main() {
    let bank = Bank::bundled().expect("bundled content");
    overhead_per_call(&bank);
    six_round_loop(&bank);
    first_token_on_screen(&bank);
}
