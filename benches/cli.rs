//! `cargo bench`: prints the figures the project tracks (start-up, first UI frame, offline
//! grading of a 300-word answer, `review` over 1,000 stored sessions). Nothing here asserts a time.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use hotseat::content::{Bank, Level};
use hotseat::interview::{Event, Interview, SessionMeta, plan};
use hotseat::scoring::offline::OfflineScorer;
use hotseat::scoring::{ScoreRequest, Scorer};
use hotseat::session::{Services, grade_now};
use hotseat::store::{DirStore, Store};
use hotseat::ui::{App, draw};

const ANSWER_300: &str = "Because the broker delivers at least once, my consumer has to expect to see the same message \
more than once, for example when it crashes after writing to the database but before it acknowledges, or when the \
visibility timeout expires while it is still working. So I make the handler idempotent. Every message carries a \
stable id assigned by the producer, and the consumer records the ids it has processed in a table with a unique \
constraint, inside the same database transaction as the side effect. If the insert conflicts, the message was already \
handled and the consumer simply acknowledges it again without repeating the work. That way a redelivery changes \
nothing. Where the side effect is in another system, such as a payment provider, I pass the message id through as an \
idempotency key so the provider deduplicates too. I acknowledge only after the transaction commits, because \
acknowledging first would lose messages on a crash, which is worse than a duplicate. The dedupe table needs a \
retention window longer than the broker's maximum redelivery delay, otherwise an old duplicate could slip through \
after its id was purged; I would partition it by day and drop old partitions. Exactly-once delivery is not something \
the broker can guarantee end to end, but effectively-once processing is what this gives us. For ordering, if the \
handler updates a counter or a state machine, I would also check a version number so that an older message arriving \
late cannot overwrite newer state. I would test it by killing the consumer between commit and acknowledge in an \
integration test and checking that the side effect happened exactly once, and I would monitor the rate of detected \
duplicates, because a sudden rise usually means the consumer is timing out and the broker is redelivering.";

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time_command(label: &str, runs: usize, mut make: impl FnMut() -> Command) {
    let samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let mut cmd = make();
            cmd.stdout(Stdio::null())
                .stderr(Stdio::null())
                .stdin(Stdio::null());
            let start = Instant::now();
            let status = cmd.status().expect("runs");
            assert!(status.success(), "{label} failed");
            start.elapsed()
        })
        .collect();
    report(label, samples);
}

fn report(label: &str, samples: Vec<Duration>) {
    let min = *samples.iter().min().expect("samples");
    let n = samples.len();
    println!(
        "{label:<58} median {:>9.2?}  min {:>9.2?}  ({n} runs)",
        median(samples),
        min
    );
}

fn hotseat(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hotseat"));
    cmd.env("HOTSEAT_HOME", home)
        .env("HOTSEAT_CONFIG_DIR", home.join("config"));
    cmd
}

/// A finished onsite session with every answer graded, like a real one on disk.
fn session(services: &Services, n: usize) -> hotseat::transcript::Transcript {
    let plan = plan::named(&services.bank, "onsite", Level::Senior, n as u64).expect("plan");
    let meta = SessionMeta {
        id: format!("bench-{n:05}"),
        started_at: Utc
            .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
            .single()
            .expect("date")
            + chrono::Duration::hours(n as i64),
        rubrics: BTreeMap::new(),
        follow_ups: 0,
    };
    let mut interview = Interview::new(plan, meta);
    let mut effects = interview.handle(Event::Start { at: 0 });
    let mut at = 0;
    while interview.current_question().is_some() {
        at += 60_000;
        effects.extend(interview.handle(Event::Submit {
            at,
            text: ANSWER_300.into(),
        }));
    }
    grade_now(&mut interview, effects, services);
    interview.transcript().clone()
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is not supported, everything runs.
    let home = tempfile::tempdir().expect("temp dir");
    println!("hotseat benchmarks (release build, this machine)\n");

    time_command("hotseat --version", 30, || {
        let mut c = hotseat(home.path());
        c.arg("--version");
        c
    });

    // First frame: loading the bank (bundled content), building the home screen, drawing it.
    let samples = (0..30)
        .map(|_| {
            let start = Instant::now();
            let services = Services::offline(Bank::bundled().expect("bank"), home.path());
            let (tx, _rx) = channel();
            let app = App::new(services, tx);
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
            terminal.draw(|f| draw(f, &app)).expect("draw");
            start.elapsed()
        })
        .collect();
    report(
        "first UI frame (load content, build home, draw) in-process",
        samples,
    );

    let bank = Bank::bundled().expect("bank");
    let scorer = OfflineScorer::new(bank.lexicon.clone());
    let q = bank.question("ds-duplicate-delivery").expect("question");
    let rubric = bank.rubric(&q.round).expect("rubric");
    println!(
        "(the answer below is {} words)",
        ANSWER_300.split_whitespace().count()
    );
    let samples = (0..200)
        .map(|_| {
            let start = Instant::now();
            let s = scorer
                .score(&ScoreRequest {
                    question: q,
                    rubric,
                    answer: ANSWER_300,
                    level: Level::Senior,
                })
                .expect("graded");
            std::hint::black_box(s);
            start.elapsed()
        })
        .collect();
    report("offline grading of a 300-word answer, in-process", samples);
    time_command(
        "hotseat answer --offline (300 words), whole command",
        20,
        || {
            let mut c = hotseat(home.path());
            c.args([
                "answer",
                "--offline",
                "--json",
                "--question",
                "ds-duplicate-delivery",
                "--text",
                ANSWER_300,
            ]);
            c
        },
    );

    let start = Instant::now();
    let store = DirStore::new(home.path());
    let offline = Services::offline(bank.clone(), home.path());
    for n in 0..1000 {
        store.save(&session(&offline, n)).expect("saved");
    }
    let size: u64 = walk_size(&home.path().join("sessions"));
    println!(
        "(generated 1,000 graded onsite sessions, {:.1} MB on disk, in {:.1?})",
        size as f64 / 1e6,
        start.elapsed()
    );
    time_command("hotseat review over 1,000 sessions", 10, || {
        let mut c = hotseat(home.path());
        c.arg("review");
        c
    });
    time_command("hotseat review --json over 1,000 sessions", 10, || {
        let mut c = hotseat(home.path());
        c.args(["review", "--json"]);
        c
    });
    time_command("hotseat review SESSION (one whole transcript)", 20, || {
        let mut c = hotseat(home.path());
        c.args(["review", "bench-00500"]);
        c
    });
}

fn walk_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        walk_size(&p)
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
