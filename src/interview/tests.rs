//! Transition tests for the interview state machine: no terminal, no clock, no files.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};

use super::*;
use crate::content::Level;
use crate::scoring::Score;
use crate::transcript::{QuestionStatus, SessionStatus, TurnKind};

const MIN: Millis = 60_000;

fn plan() -> Plan {
    let q = |id: &str, round: &str, minutes| PlannedQuestion {
        id: id.into(),
        round: round.into(),
        text: format!("Question {id}?"),
        minutes,
    };
    Plan {
        name: "onsite".into(),
        title: "Test loop".into(),
        target: None,
        level: Level::Senior,
        seed: 7,
        stages: vec![
            Stage {
                round: "coding".into(),
                minutes: 3,
                questions: vec![q("a", "coding", 2), q("b", "coding", 2)],
            },
            Stage {
                round: "behavioral".into(),
                minutes: 5,
                questions: vec![q("c", "behavioral", 5)],
            },
        ],
    }
}

fn interview(follow_ups: u32) -> Interview {
    Interview::new(
        plan(),
        SessionMeta {
            id: "s1".into(),
            started_at: Utc
                .with_ymd_and_hms(2026, 11, 29, 9, 0, 0)
                .single()
                .expect("valid date"),
            rubrics: BTreeMap::from([("coding".into(), "2026.11.1".into())]),
            follow_ups,
        },
    )
}

fn started(follow_ups: u32) -> Interview {
    let mut i = interview(follow_ups);
    i.handle(Event::Start { at: 0 });
    i
}

fn submit(i: &mut Interview, at: Millis, text: &str) -> Vec<Effect> {
    i.handle(Event::Submit {
        at,
        text: text.into(),
    })
}

fn score(overall: f64) -> Score {
    Score {
        scorer: "offline".into(),
        estimate: true,
        label: "offline estimate".into(),
        overall,
        verdict: "lean hire".into(),
        target_level: Level::Senior,
        rubric_version: "2026.11.1".into(),
        dimensions: Vec::new(),
        talking_points: Vec::new(),
        misconceptions: Vec::new(),
        flags: Vec::new(),
        follow_ups: Vec::new(),
        words: 3,
        notice: None,
        samples: None,
    }
}

fn tickets(effects: &[Effect]) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Score { ticket, .. } | Effect::FindFollowUp { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .collect()
}

#[test]
fn start_saves_and_asks_the_first_question() {
    let mut i = interview(0);
    let effects = i.handle(Event::Start { at: 0 });
    assert_eq!(
        effects,
        vec![
            Effect::Persist,
            Effect::Ask {
                question: 0,
                turn: 0
            }
        ]
    );
    assert_eq!(
        i.phase(),
        &Phase::Answering {
            question: 0,
            turn: 0
        }
    );
    assert_eq!(i.transcript().questions[0].status, QuestionStatus::Asked);
    assert_eq!(i.transcript().questions[1].status, QuestionStatus::NotAsked);
}

#[test]
fn starting_twice_is_rejected() {
    let mut i = started(0);
    assert_eq!(
        i.handle(Event::Start { at: 5 }),
        vec![Effect::Rejected(Rejection::AlreadyStarted)]
    );
}

#[test]
fn nothing_is_accepted_before_the_start() {
    let mut i = interview(0);
    for event in [
        Event::Submit {
            at: 0,
            text: "x".into(),
        },
        Event::Skip { at: 0 },
        Event::Pause { at: 0 },
    ] {
        assert_eq!(
            i.handle(event),
            vec![Effect::Rejected(Rejection::NotStarted)]
        );
    }
    assert_eq!(
        i.handle(Event::Resume { at: 0 }),
        vec![Effect::Rejected(Rejection::NotPaused)]
    );
    assert!(i.handle(Event::Tick { at: 10 * MIN }).is_empty());
}

#[test]
fn an_answer_is_saved_graded_and_the_next_question_asked() {
    let mut i = started(0);
    let effects = submit(&mut i, 30_000, "my answer");
    assert_eq!(
        effects,
        vec![
            Effect::Persist,
            Effect::Score {
                ticket: 1,
                question: 0,
                answer: "my answer".into()
            },
            Effect::Ask {
                question: 1,
                turn: 0
            },
        ]
    );
    let q = &i.transcript().questions[0];
    assert_eq!(q.status, QuestionStatus::Answered);
    assert_eq!(q.turns[0].answer.as_deref(), Some("my answer"));
    assert_eq!(q.turns[0].answered_ms, Some(30_000));
    assert_eq!(i.pending_scores(), 1);
}

#[test]
fn a_blank_answer_skips_the_question() {
    let mut i = started(0);
    let effects = submit(&mut i, 1_000, "  \n ");
    assert_eq!(
        effects,
        vec![
            Effect::Persist,
            Effect::Ask {
                question: 1,
                turn: 0
            }
        ]
    );
    let q = &i.transcript().questions[0];
    assert_eq!(q.status, QuestionStatus::Skipped);
    assert!(q.turns[0].skipped);
    assert_eq!(q.turns[0].answer, None);
}

#[test]
fn skip_moves_on_without_grading() {
    let mut i = started(2);
    let effects = i.handle(Event::Skip { at: 1_000 });
    assert_eq!(
        effects,
        vec![
            Effect::Persist,
            Effect::Ask {
                question: 1,
                turn: 0
            }
        ]
    );
    assert_eq!(i.transcript().questions[0].status, QuestionStatus::Skipped);
    assert_eq!(i.pending_scores(), 0);
}

#[test]
fn a_follow_up_is_requested_asked_and_graded_with_the_answer() {
    let mut i = started(1);
    let effects = submit(&mut i, 1_000, "first");
    assert_eq!(
        effects,
        vec![
            Effect::Persist,
            Effect::FindFollowUp {
                ticket: 1,
                question: 0,
                answer: "first".into(),
                asked: vec![]
            },
        ]
    );
    assert_eq!(
        i.phase(),
        &Phase::AwaitingFollowUp {
            question: 0,
            ticket: 1
        }
    );
    assert_eq!(
        submit(&mut i, 1_500, "too early"),
        vec![Effect::Rejected(Rejection::WaitingForInterviewer)]
    );
    i.handle(Event::FollowUpText {
        ticket: 1,
        text: "Why".into(),
    });
    i.handle(Event::FollowUpText {
        ticket: 7,
        text: "a stale follow-up".into(),
    });
    assert_eq!(i.follow_up_text(), Some("Why"));

    let effects = i.handle(Event::FollowUpReady {
        at: 2_000,
        ticket: 1,
        probe: Some("Why?".into()),
        notice: None,
    });
    assert_eq!(
        effects,
        vec![
            Effect::Persist,
            Effect::Ask {
                question: 0,
                turn: 1
            }
        ]
    );
    let turn = &i.transcript().questions[0].turns[1];
    assert_eq!(
        (turn.kind, turn.prompt.as_str(), turn.asked_ms),
        (TurnKind::FollowUp, "Why?", 2_000)
    );

    let effects = submit(&mut i, 3_000, "because");
    assert_eq!(
        effects,
        vec![
            Effect::Persist,
            Effect::Score {
                ticket: 2,
                question: 0,
                answer: "first\n\nbecause".into()
            },
            Effect::Ask {
                question: 1,
                turn: 0
            },
        ]
    );
}

#[test]
fn no_probe_means_the_question_is_done() {
    let mut i = started(3);
    submit(&mut i, 1_000, "complete answer");
    let effects = i.handle(Event::FollowUpReady {
        at: 1_100,
        ticket: 1,
        probe: None,
        notice: None,
    });
    assert_eq!(
        effects,
        vec![
            Effect::Score {
                ticket: 2,
                question: 0,
                answer: "complete answer".into()
            },
            Effect::Ask {
                question: 1,
                turn: 0
            },
        ]
    );
}

#[test]
fn follow_ups_stop_at_the_allowed_number() {
    let mut i = started(2);
    submit(&mut i, 1_000, "a0");
    i.handle(Event::FollowUpReady {
        at: 1_000,
        ticket: 1,
        probe: Some("p1".into()),
        notice: None,
    });
    let effects = submit(&mut i, 2_000, "a1");
    assert_eq!(
        effects[1],
        Effect::FindFollowUp {
            ticket: 2,
            question: 0,
            answer: "a0\n\na1".into(),
            asked: vec!["p1".into()]
        }
    );
    i.handle(Event::FollowUpReady {
        at: 2_000,
        ticket: 2,
        probe: Some("p2".into()),
        notice: None,
    });
    let effects = submit(&mut i, 3_000, "a2");
    assert!(matches!(effects[1], Effect::Score { question: 0, .. }));
    assert_eq!(
        effects[2],
        Effect::Ask {
            question: 1,
            turn: 0
        }
    );
    assert_eq!(i.transcript().questions[0].turns.len(), 3);
}

#[test]
fn a_probe_is_never_asked_twice() {
    let mut i = started(2);
    submit(&mut i, 1_000, "a0");
    i.handle(Event::FollowUpReady {
        at: 1_000,
        ticket: 1,
        probe: Some("p1".into()),
        notice: None,
    });
    submit(&mut i, 2_000, "a1");
    let effects = i.handle(Event::FollowUpReady {
        at: 2_000,
        ticket: 2,
        probe: Some(" p1 ".into()),
        notice: None,
    });
    assert!(matches!(effects[0], Effect::Score { question: 0, .. }));
    assert_eq!(i.transcript().questions[0].turns.len(), 2);
}

#[test]
fn stale_replies_are_ignored() {
    let mut i = started(1);
    submit(&mut i, 1_000, "a0");
    assert!(
        i.handle(Event::FollowUpReady {
            at: 1_000,
            ticket: 99,
            probe: Some("p".into()),
            notice: None,
        })
        .is_empty()
    );
    assert!(
        i.handle(Event::Scored {
            ticket: 1,
            score: Box::new(score(3.0))
        })
        .is_empty()
    );
    // The candidate ends before the follow-up arrives; the late probe is dropped.
    i.handle(Event::End {
        at: 2_000,
        draft: None,
    });
    assert!(
        i.handle(Event::FollowUpReady {
            at: 2_500,
            ticket: 1,
            probe: Some("p".into()),
            notice: None,
        })
        .is_empty()
    );
    assert_eq!(i.transcript().questions[0].turns.len(), 1);
}

#[test]
fn grades_are_stored_and_the_debrief_waits_for_the_last_one() {
    let mut i = started(0);
    let mut all = Vec::new();
    all.extend(submit(&mut i, 1_000, "a"));
    all.extend(submit(&mut i, 2_000, "b"));
    all.extend(submit(&mut i, 3_000, "c"));
    assert!(all.contains(&Effect::Finished));
    assert!(!all.contains(&Effect::DebriefReady));
    let t = tickets(&all);
    assert_eq!(t, vec![1, 2, 3]);
    assert_eq!(
        i.handle(Event::Scored {
            ticket: 2,
            score: Box::new(score(2.0))
        }),
        vec![Effect::Persist]
    );
    assert_eq!(
        i.handle(Event::ScoreFailed {
            ticket: 1,
            reason: "endpoint down".into()
        }),
        vec![Effect::Notice("endpoint down".into()), Effect::Persist]
    );
    assert_eq!(
        i.handle(Event::Scored {
            ticket: 3,
            score: Box::new(score(4.0))
        }),
        vec![Effect::Persist, Effect::DebriefReady]
    );
    assert_eq!(
        i.transcript().questions[0].notes,
        vec!["endpoint down".to_string()]
    );
    assert_eq!(i.transcript().questions[1].scores.len(), 1);
    assert_eq!(i.transcript().overall(), Some(3.0));
    assert_eq!(i.transcript().status, SessionStatus::Completed);
    // A duplicate delivery of a grade changes nothing.
    assert!(
        i.handle(Event::Scored {
            ticket: 3,
            score: Box::new(score(1.0))
        })
        .is_empty()
    );
}

#[test]
fn a_session_with_nothing_to_grade_is_debriefed_at_once() {
    let mut i = started(0);
    i.handle(Event::Skip { at: 1 });
    i.handle(Event::Skip { at: 2 });
    let effects = i.handle(Event::Skip { at: 3 });
    assert_eq!(
        effects,
        vec![
            Effect::Persist,
            Effect::Persist,
            Effect::Finished,
            Effect::DebriefReady
        ]
    );
}

#[test]
fn pause_freezes_the_clock_and_the_candidate() {
    let mut i = started(0);
    assert!(i.handle(Event::Pause { at: 10_000 }).is_empty());
    assert!(i.is_paused());
    assert_eq!(
        submit(&mut i, 20_000, "x"),
        vec![Effect::Rejected(Rejection::Paused)]
    );
    assert_eq!(
        i.handle(Event::Skip { at: 20_000 }),
        vec![Effect::Rejected(Rejection::Paused)]
    );
    assert_eq!(
        i.handle(Event::Pause { at: 20_000 }),
        vec![Effect::Rejected(Rejection::Paused)]
    );
    assert_eq!(i.answer_elapsed(50_000), Some(10_000));
    assert!(i.handle(Event::Resume { at: 70_000 }).is_empty());
    assert_eq!(i.answer_elapsed(75_000), Some(15_000));
    submit(&mut i, 80_000, "x");
    assert_eq!(
        i.transcript().questions[0].turns[0].answered_ms,
        Some(20_000)
    );
    assert_eq!(i.transcript().active_ms, 20_000);
}

#[test]
fn resume_without_pause_is_rejected() {
    let mut i = started(0);
    assert_eq!(
        i.handle(Event::Resume { at: 1 }),
        vec![Effect::Rejected(Rejection::NotPaused)]
    );
}

#[test]
fn budgets_warn_once_and_never_lock_the_candidate_out() {
    let mut i = started(0);
    assert!(i.handle(Event::Tick { at: MIN }).is_empty());
    assert_eq!(
        i.handle(Event::Tick { at: 2 * MIN }),
        vec![Effect::Warn(Warning::AnswerOverTime { question: 0 })]
    );
    assert!(i.handle(Event::Tick { at: 2 * MIN + 500 }).is_empty());
    assert!(i.transcript().questions[0].over_time);
    // Still accepted long after the budget.
    let effects = submit(&mut i, 2 * MIN + 30_000, "late but kept");
    assert!(effects.contains(&Effect::Ask {
        question: 1,
        turn: 0
    }));
    // The stage has 3 minutes: question b pushes it over.
    assert_eq!(
        i.handle(Event::Tick { at: 3 * MIN }),
        vec![Effect::Warn(Warning::RoundOverTime { stage: 0 })]
    );
    assert_eq!(
        i.handle(Event::Tick { at: 5 * MIN }),
        vec![Effect::Warn(Warning::AnswerOverTime { question: 1 })]
    );
}

#[test]
fn no_warnings_while_paused() {
    let mut i = started(0);
    i.handle(Event::Pause { at: 1_000 });
    assert!(i.handle(Event::Tick { at: 10 * MIN }).is_empty());
    i.handle(Event::Resume { at: 10 * MIN });
    assert!(
        i.handle(Event::Tick {
            at: 10 * MIN + 1_000
        })
        .is_empty()
    );
}

#[test]
fn ending_early_keeps_the_draft_and_grades_it() {
    let mut i = started(0);
    submit(&mut i, 1_000, "a");
    let effects = i.handle(Event::End {
        at: 5_000,
        draft: Some("half an answer".into()),
    });
    assert_eq!(
        effects,
        vec![
            Effect::Score {
                ticket: 2,
                question: 1,
                answer: "half an answer".into()
            },
            Effect::Persist,
            Effect::Finished,
        ]
    );
    let t = i.transcript();
    assert_eq!(t.status, SessionStatus::EndedEarly);
    assert_eq!(t.questions[1].status, QuestionStatus::Answered);
    assert_eq!(t.questions[2].status, QuestionStatus::NotAsked);
    assert!(t.ended_at.is_some());
    assert_eq!(i.pending_scores(), 2);
}

#[test]
fn ending_while_a_follow_up_is_chosen_grades_what_was_said() {
    let mut i = started(1);
    submit(&mut i, 1_000, "main answer");
    let effects = i.handle(Event::End {
        at: 2_000,
        draft: None,
    });
    assert_eq!(effects[0], Effect::CancelFollowUp { ticket: 1 });
    assert_eq!(
        effects[1],
        Effect::Score {
            ticket: 2,
            question: 0,
            answer: "main answer".into()
        }
    );
}

#[test]
fn ending_while_paused_or_before_starting_still_ends() {
    let mut i = started(0);
    i.handle(Event::Pause { at: 1_000 });
    let effects = i.handle(Event::End {
        at: 9_000,
        draft: Some(" ".into()),
    });
    assert_eq!(
        effects,
        vec![Effect::Persist, Effect::Finished, Effect::DebriefReady]
    );
    assert_eq!(i.transcript().questions[0].status, QuestionStatus::Asked);

    let mut fresh = interview(0);
    assert_eq!(
        fresh.handle(Event::End { at: 0, draft: None }),
        vec![Effect::Persist, Effect::Finished, Effect::DebriefReady]
    );
    assert_eq!(fresh.transcript().status, SessionStatus::EndedEarly);
}

#[test]
fn nothing_is_accepted_after_the_end() {
    let mut i = started(0);
    i.handle(Event::End { at: 1, draft: None });
    for event in [
        Event::Submit {
            at: 2,
            text: "x".into(),
        },
        Event::Skip { at: 2 },
        Event::Pause { at: 2 },
        Event::End { at: 2, draft: None },
    ] {
        assert_eq!(i.handle(event), vec![Effect::Rejected(Rejection::Finished)]);
    }
    assert!(i.handle(Event::Tick { at: 99 * MIN }).is_empty());
}

#[test]
fn a_whole_loop_completes_in_order() {
    let mut i = started(0);
    submit(&mut i, 1_000, "a");
    submit(&mut i, 2_000, "b");
    let effects = submit(&mut i, 3_000, "c");
    assert_eq!(effects[2..], [Effect::Persist, Effect::Finished]);
    let t = i.transcript();
    assert_eq!(t.status, SessionStatus::Completed);
    assert_eq!(t.answered(), 3);
    assert_eq!(
        t.ended_at,
        Some(t.started_at + chrono::Duration::milliseconds(3_000))
    );
    assert_eq!(i.current_question(), None);
}

#[test]
fn skipping_a_follow_up_keeps_the_question_answered() {
    let mut i = started(1);
    submit(&mut i, 1_000, "main");
    i.handle(Event::FollowUpReady {
        at: 1_000,
        ticket: 1,
        probe: Some("p".into()),
        notice: None,
    });
    let effects = i.handle(Event::Skip { at: 2_000 });
    assert_eq!(
        effects[1],
        Effect::Score {
            ticket: 2,
            question: 0,
            answer: "main".into()
        }
    );
    let q = &i.transcript().questions[0];
    assert_eq!(q.status, QuestionStatus::Answered);
    assert!(q.turns[1].skipped);
}

#[test]
fn a_follow_up_that_arrives_during_a_pause_is_timed_from_the_pause() {
    let mut i = started(1);
    submit(&mut i, 1_000, "main");
    i.handle(Event::Pause { at: 2_000 });
    i.handle(Event::FollowUpReady {
        at: 3_000,
        ticket: 1,
        probe: Some("p".into()),
        notice: None,
    });
    i.handle(Event::Resume { at: 62_000 });
    submit(&mut i, 65_000, "follow-up answer");
    let turn = &i.transcript().questions[0].turns[1];
    assert_eq!((turn.asked_ms, turn.answered_ms), (2_000, Some(5_000)));
}

#[test]
fn stage_time_adds_up_its_turns() {
    let mut i = started(0);
    submit(&mut i, 40_000, "a");
    assert_eq!(i.stage_elapsed(0, 50_000), 50_000);
    assert_eq!(i.stage_elapsed(1, 50_000), 0);
}

#[test]
fn skipping_while_the_follow_up_is_written_calls_it_off_and_moves_on() {
    let mut i = started(1);
    submit(&mut i, 1_000, "first");
    assert_eq!(i.follow_up_text(), Some(""));
    let effects = i.handle(Event::Skip { at: 1_500 });
    assert_eq!(
        effects,
        vec![
            Effect::CancelFollowUp { ticket: 1 },
            Effect::Score {
                ticket: 2,
                question: 0,
                answer: "first".into()
            },
            Effect::Ask {
                question: 1,
                turn: 0
            }
        ]
    );
    assert_eq!(i.follow_up_text(), None);
    // The follow-up that arrives anyway is dropped, and so is its notice.
    let late = i.handle(Event::FollowUpReady {
        at: 2_000,
        ticket: 1,
        probe: Some("Why?".into()),
        notice: Some("late".into()),
    });
    assert!(late.is_empty());
    assert_eq!(i.transcript().questions[0].turns.len(), 1);
    assert_eq!(i.transcript().questions[0].status, QuestionStatus::Answered);
}

#[test]
fn notices_reach_the_candidate_and_the_transcript() {
    let mut i = started(1);
    submit(&mut i, 1_000, "first");
    let effects = i.handle(Event::FollowUpReady {
        at: 2_000,
        ticket: 1,
        probe: Some("From the bank?".into()),
        notice: Some("The interviewer model did not answer.".into()),
    });
    assert_eq!(
        effects[0],
        Effect::Notice("The interviewer model did not answer.".into())
    );
    let mut graded = score(2.0);
    graded.notice = Some("Offline estimate shown.".into());
    submit(&mut i, 3_000, "second");
    let effects = i.handle(Event::Scored {
        ticket: 2,
        score: Box::new(graded),
    });
    assert_eq!(effects[0], Effect::Notice("Offline estimate shown.".into()));
    assert_eq!(
        i.transcript().questions[0].notes,
        ["The interviewer model did not answer."]
    );
}
