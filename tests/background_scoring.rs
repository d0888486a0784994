//! Scoring never holds the interview up: through a real local server whose every grading takes a
//! while, the next question is asked at once, at most `concurrency` gradings run together, and the
//! debrief is ready as soon as the last grade arrives, each grade the model's.

mod support;

use std::sync::Arc;
use std::time::Duration;

use hotseat::content::{Bank, Level};
use hotseat::interview::plan;
use hotseat::interviewer::ProbeInterviewer;
use hotseat::llm::{FormatMemory, RetryPolicy};
use hotseat::prompts::Prompts;
use hotseat::scoring::model::ModelScorer;
use hotseat::scoring::offline::OfflineScorer;
use hotseat::session::{Outcome, Services, Session};
use hotseat::store::DirStore;
use support::fake_model::{FakeModel, Step, grading_reply};

const GRADING_TAKES: Duration = Duration::from_millis(600);

fn services(fake: &FakeModel, data: &std::path::Path, concurrency: usize) -> Arc<Services> {
    let bank = Bank::bundled().expect("bank");
    let client = support::model::client(
        &fake.base_url(),
        "fake-model",
        None,
        Duration::from_secs(10),
        RetryPolicy::default(),
    );
    let scorer = ModelScorer::new(
        client,
        Arc::new(Prompts::bundled().expect("prompts")),
        bank.lexicon.clone(),
        Arc::new(FormatMemory::new()),
        1,
        concurrency,
    );
    Arc::new(Services {
        scorer: Box::new(scorer),
        interviewer: Box::new(ProbeInterviewer::new(OfflineScorer::new(
            bank.lexicon.clone(),
        ))),
        store: Box::new(DirStore::new(data)),
        debriefer: None,
        bank,
    })
}

#[test]
fn the_loop_goes_on_while_answers_are_graded_and_the_debrief_waits_for_the_last() {
    let fake = FakeModel::start();
    fake.respond_with(|r| Step::after(GRADING_TAKES, Step::Reply(grading_reply(r, 3, None))));
    let data = tempfile::tempdir().expect("temp dir");
    let services = services(&fake, data.path(), 2);
    let plan = plan::named(&services.bank, "onsite", Level::Senior, 5).expect("plan");
    let (mut session, replies) = Session::create(&services, plan, 0);
    let total = session.interview().transcript().questions.len();
    assert!(total >= 6, "{total} questions");

    let mut outcomes = session.start();
    for n in 0..total {
        assert!(
            outcomes
                .iter()
                .any(|o| matches!(o, Outcome::Ask { question, .. } if *question == n)),
            "question {n} asked at once, while earlier answers are still being graded: {outcomes:?}"
        );
        outcomes = session.submit(format!(
            "Answer {n}: I would clarify requirements, then explain the trade-offs because they decide the design."
        ));
        if n == 3 {
            // Four answers handed in; the first gradings cannot have finished yet.
            std::thread::sleep(GRADING_TAKES / 3);
            assert_eq!(
                fake.chat_requests().len(),
                2,
                "no more than 2 gradings at once"
            );
        }
    }
    assert!(outcomes.contains(&Outcome::Finished));
    assert!(
        !outcomes.contains(&Outcome::DebriefReady),
        "grades are still coming"
    );

    let mut ready = false;
    while !ready {
        let reply = replies
            .recv_timeout(Duration::from_secs(30))
            .expect("every grade arrives");
        ready = session.receive(reply).contains(&Outcome::DebriefReady);
    }
    assert_eq!(session.interview().pending_scores(), 0);
    let saved = services
        .store
        .load(&session.interview().transcript().id)
        .expect("saved");
    assert_eq!(saved.questions.len(), total);
    for q in &saved.questions {
        let score = q.score().expect("graded");
        assert_eq!(score.scorer, "model:fake-model");
    }
    assert_eq!(fake.chat_requests().len(), total);
}
