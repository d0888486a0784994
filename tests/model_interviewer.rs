//! The model as interviewer, through a real local OpenAI-protocol server: follow-ups stream as
//! they are written, a question that repeats, parrots or gives the answer away gives way to the
//! bank's probe, a stream that stops half-way or a server that is down never holds the interview
//! up, and a follow-up the candidate no longer wants is called off.

mod support;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use hotseat::content::{Bank, Level};
use hotseat::interviewer::{FollowUpRequest, Interviewer, ModelInterviewer};
use hotseat::llm::RetryPolicy;
use hotseat::prompts::Prompts;
use support::fake_model::{FakeModel, Step, StreamEnd};
use tokio_util::sync::CancellationToken;

const QUESTION: &str = "ds-duplicate-delivery";
const ANSWER: &str = "The consumer might see a message twice, so I would keep a table of processed message ids and check it before doing the work.";

fn interviewer(url: &str, read: Duration) -> ModelInterviewer {
    let policy = RetryPolicy {
        retries: 1,
        ..support::model::quick_retries()
    };
    ModelInterviewer::new(
        support::model::client(url, "fake-model", None, read, policy),
        Arc::new(Prompts::bundled().expect("prompts")),
        Bank::bundled().expect("bank").lexicon.clone(),
    )
}

/// Asks for a follow-up and returns it with every partial text the screen would have shown.
fn ask(
    interviewer: &ModelInterviewer,
    answer: &str,
    asked: &[String],
    cancel: &CancellationToken,
) -> (hotseat::interviewer::FollowUp, Vec<String>) {
    let bank = Bank::bundled().expect("bank");
    let question = bank.question(QUESTION).expect("question");
    let rubric = bank.rubric(&question.round).expect("rubric");
    let mut seen = Vec::new();
    let chosen = interviewer.follow_up(
        &FollowUpRequest {
            question,
            rubric,
            answer,
            asked,
            level: Level::Senior,
        },
        &mut |text: &str| seen.push(text.to_string()),
        cancel,
    );
    (chosen, seen)
}

fn bank_probes() -> Vec<String> {
    let bank = Bank::bundled().expect("bank");
    let q = bank.question(QUESTION).expect("question");
    q.probes.iter().map(|p| p.text.clone()).collect()
}

#[test]
fn a_follow_up_streams_as_it_is_written() {
    let fake = FakeModel::start();
    fake.push(Step::Stream {
        chunks: vec![
            "<think>they skipped the ack".into(),
            " ordering</think>What ".into(),
            "happens if your consumer ".into(),
            "crashes after the side effect ".into(),
            "but before it acknowledges the message?".into(),
        ],
        pause: Duration::from_millis(30),
        end: StreamEnd::Done,
    });
    let (chosen, seen) = ask(
        &interviewer(&fake.base_url(), Duration::from_secs(5)),
        ANSWER,
        &[],
        &CancellationToken::new(),
    );
    let question = "What happens if your consumer crashes after the side effect but before it acknowledges the message?";
    assert_eq!(chosen.probe.as_deref(), Some(question));
    assert_eq!(chosen.notice, None);
    assert!(seen.len() >= 3, "the text arrived in pieces: {seen:?}");
    assert!(seen.windows(2).all(|w| w[1].starts_with(&w[0])), "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some(question));
    assert!(
        seen.iter()
            .all(|s| !s.contains("think") && !s.contains("ordering"))
    );
    let sent = fake.chat_requests();
    assert_eq!(sent[0]["stream"], true);
    let user = sent[0]["messages"][1]["content"].as_str().expect("prompt");
    assert!(user.contains("processed message ids"));
}

#[test]
fn a_stream_that_stops_half_way_gives_the_bank_s_probe_and_says_why() {
    let fake = FakeModel::start();
    fake.push(Step::Stream {
        chunks: vec!["What happens if ".into(), "your consumer".into()],
        pause: Duration::from_millis(20),
        end: StreamEnd::Cut,
    });
    let (chosen, seen) = ask(
        &interviewer(&fake.base_url(), Duration::from_secs(5)),
        ANSWER,
        &[],
        &CancellationToken::new(),
    );
    assert!(!seen.is_empty(), "the start was shown while it came");
    let probe = chosen.probe.expect("a probe from the bank");
    assert!(bank_probes().contains(&probe), "{probe}");
    let notice = chosen.notice.expect("a notice");
    assert!(notice.contains("question bank"), "{notice}");
}

#[test]
fn a_stalled_stream_or_a_down_server_never_holds_the_interview() {
    let fake = FakeModel::start();
    fake.push(Step::Stream {
        chunks: vec!["What".into()],
        pause: Duration::from_millis(10),
        end: StreamEnd::Stall,
    });
    let (chosen, _) = ask(
        &interviewer(&fake.base_url(), Duration::from_millis(500)),
        ANSWER,
        &[],
        &CancellationToken::new(),
    );
    assert!(bank_probes().contains(&chosen.probe.expect("probe")));
    assert!(chosen.notice.expect("notice").contains("stopped half-way"));

    let down = interviewer(&support::model::down_url(), Duration::from_secs(1));
    let (chosen, seen) = ask(&down, ANSWER, &[], &CancellationToken::new());
    assert!(seen.is_empty());
    assert!(bank_probes().contains(&chosen.probe.expect("probe")));
    assert!(chosen.notice.expect("notice").contains("could not reach"));
    // Told once: the next follow-ups come straight from the bank, without waiting on the server.
    let (again, _) = ask(&down, ANSWER, &[], &CancellationToken::new());
    assert!(bank_probes().contains(&again.probe.expect("probe")));
    assert_eq!(again.notice, None);
}

#[test]
fn a_follow_up_no_longer_wanted_is_called_off() {
    let fake = FakeModel::start();
    fake.push(Step::Hang);
    let cancel = CancellationToken::new();
    let later = cancel.clone();
    let started = Instant::now();
    let caller = thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        later.cancel();
    });
    let (chosen, _) = ask(
        &interviewer(&fake.base_url(), Duration::from_secs(30)),
        ANSWER,
        &[],
        &cancel,
    );
    caller.join().expect("canceller");
    assert_eq!(chosen.probe, None);
    assert_eq!(
        chosen.notice, None,
        "the candidate moved on; nothing to tell them"
    );
    // Called off long before the 30 s read timeout.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn repeats_parroting_and_give_aways_give_way_to_the_bank() {
    let bank = Bank::bundled().expect("bank");
    let point = bank.question(QUESTION).expect("q").points[0].text.clone();
    let asked = vec!["How would you make the consumer idempotent?".to_string()];
    let replies = [
        // The question already asked, reworded only in case and punctuation.
        "how would you make the consumer idempotent".to_string(),
        // The candidate's own words handed back.
        "You said you would keep a table of processed message ids and check it before doing the work. Why?".to_string(),
        // A talking point spelled out.
        format!("Did you consider that {point}?"),
    ];
    for reply in replies {
        let fake = FakeModel::start();
        fake.push(Step::Reply(reply.clone()));
        let (chosen, _) = ask(
            &interviewer(&fake.base_url(), Duration::from_secs(5)),
            ANSWER,
            &asked,
            &CancellationToken::new(),
        );
        let probe = chosen.probe.expect("a probe");
        assert_ne!(probe, reply);
        assert!(bank_probes().contains(&probe), "{probe}");
        assert!(!asked.contains(&probe));
    }
}

#[test]
fn none_means_nothing_worth_asking() {
    let fake = FakeModel::start();
    fake.push(Step::Reply("NONE".into()));
    let (chosen, _) = ask(
        &interviewer(&fake.base_url(), Duration::from_secs(5)),
        ANSWER,
        &[],
        &CancellationToken::new(),
    );
    assert_eq!(chosen.probe, None);
    assert_eq!(chosen.notice, None);
}
