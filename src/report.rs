//! Plain-text renderings of grades, transcripts and session lists, for the line mode, `answer`
//! and `review`.

use std::fmt::Write;

use crate::scoring::{Credit, Score};
use crate::store::SessionSummary;
use crate::transcript::{QuestionStatus, SessionStatus, Transcript, TurnKind};

pub fn round_name(round: &str) -> String {
    round.replace('-', " ")
}

/// Milliseconds as `m:ss`.
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// A grade: overall, dimensions with reasons, talking points with evidence, wrong beliefs, flags.
pub fn score(score: &Score) -> String {
    let mut out = String::new();
    let by = if score.estimate {
        score.label.clone()
    } else {
        format!("graded by {}", score.scorer)
    };
    let _ = writeln!(
        out,
        "Overall {:.1}/4 ({}) · {by}",
        score.overall, score.verdict
    );
    if let Some(samples) = &score.samples {
        let each: Vec<String> = samples.overalls.iter().map(|o| format!("{o:.1}")).collect();
        let _ = writeln!(
            out,
            "  median of {} gradings ({}), spread {:.1}",
            samples.overalls.len(),
            each.join(", "),
            samples.spread
        );
    }
    if let Some(notice) = &score.notice {
        let _ = writeln!(out, "  Note: {notice}");
    }
    for d in &score.dimensions {
        let _ = writeln!(out, "  {} {}/4  {}", d.name, d.level, d.reason);
        if let Some(improve) = &d.improve {
            let _ = writeln!(out, "      {improve}");
        }
    }
    let _ = writeln!(
        out,
        "Talking points ({} of {} covered):",
        score.covered(),
        score.talking_points.len()
    );
    for p in &score.talking_points {
        let mark = match (p.covered, p.credit) {
            (true, Credit::Explained) => "✓",
            (true, _) => "~",
            _ => "✗",
        };
        let _ = writeln!(out, "  {mark} {}", p.text);
        if let Some(e) = &p.evidence {
            let _ = writeln!(out, "      “{e}”");
        }
    }
    for m in &score.misconceptions {
        let _ = writeln!(out, "  ! Wrong belief: {} — “{}”", m.text, m.evidence);
    }
    if !score.flags.is_empty() {
        let _ = writeln!(out, "Flags: {}", score.flags.join(", "));
    }
    if !score.follow_ups.is_empty() {
        let _ = writeln!(out, "To practise next:");
        for f in &score.follow_ups {
            let _ = writeln!(out, "  - {f}");
        }
    }
    out
}

/// A whole session, as `review SESSION` prints it.
pub fn transcript(t: &Transcript) -> String {
    let mut out = String::new();
    let status = match t.status {
        SessionStatus::InProgress => "in progress (or interrupted)",
        SessionStatus::Completed => "completed",
        SessionStatus::EndedEarly => "ended early",
    };
    let _ = writeln!(
        out,
        "{} — {} · {} level · {} · started {} · {} active",
        t.id,
        t.plan.title,
        t.plan.level,
        status,
        t.started_at.format("%Y-%m-%d %H:%M UTC"),
        clock(t.active_ms)
    );
    if let Some(overall) = t.overall() {
        let rounds: Vec<String> = t
            .by_round()
            .iter()
            .map(|(r, g)| format!("{} {g:.1}", round_name(r)))
            .collect();
        let _ = writeln!(out, "Overall {overall:.1}/4 · {}", rounds.join(" · "));
    }
    for (i, q) in t.questions.iter().enumerate() {
        let _ = writeln!(out, "\n[{}] {} · {}", i + 1, round_name(&q.round), q.id);
        if q.status == QuestionStatus::NotAsked {
            let _ = writeln!(out, "  (not asked)");
            continue;
        }
        for turn in &q.turns {
            let who = match turn.kind {
                TurnKind::Question => "Q",
                TurnKind::FollowUp => "Follow-up",
            };
            let _ = writeln!(out, "{who}: {}", turn.prompt);
            match (&turn.answer, turn.skipped) {
                (Some(a), _) => {
                    let took = turn
                        .answered_ms
                        .map(|e| clock(e.saturating_sub(turn.asked_ms)))
                        .unwrap_or_default();
                    let _ = writeln!(out, "A ({took}): {}", a.trim());
                }
                (None, true) => {
                    let _ = writeln!(out, "A: (skipped)");
                }
                (None, false) => {
                    let _ = writeln!(out, "A: (no answer)");
                }
            }
        }
        if q.over_time {
            let _ = writeln!(out, "(went over its {}-minute budget)", q.minutes);
        }
        for note in &q.notes {
            let _ = writeln!(out, "Note: {note}");
        }
        if let Some(s) = q.score() {
            out.push_str(&score(s));
        }
        if q.scores.len() > 1 {
            let earlier: Vec<String> = q.scores[..q.scores.len() - 1]
                .iter()
                .map(|s| format!("{:.1} by {}", s.overall, s.scorer))
                .collect();
            let _ = writeln!(out, "Earlier grades: {}", earlier.join(", "));
        }
    }
    if let Some(w) = &t.written_debrief {
        let _ = writeln!(out, "\nWritten debrief ({}):\n{}", w.by, w.text.trim());
    }
    out
}

/// The list of sessions, newest first.
pub fn sessions(list: &[SessionSummary]) -> String {
    if list.is_empty() {
        return "No sessions yet: `hotseat loop --plan screen` starts one.\n".into();
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<34} {:<17} {:<10} {:>7} {:>7}",
        "SESSION", "STARTED", "PLAN", "ANSWERS", "OVERALL"
    );
    for s in list {
        let _ = writeln!(
            out,
            "{:<34} {:<17} {:<10} {:>7} {:>7}",
            s.id,
            s.started_at.format("%Y-%m-%d %H:%M"),
            s.plan,
            format!("{}/{}", s.answers, s.questions),
            s.overall
                .map(|o| format!("{o:.1}"))
                .unwrap_or_else(|| "-".into())
        );
    }
    let (answers, sessions) = list
        .iter()
        .filter(|s| s.to_rescore > 0)
        .fold((0, 0), |(a, n), s| (a + s.to_rescore, n + 1));
    if answers > 0 {
        let _ = writeln!(
            out,
            "\n{answers} answer(s) in {sessions} session(s) have an offline estimate where a model grade failed or never came: `hotseat rescore --pending` grades them."
        );
    }
    out
}
