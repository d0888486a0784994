//! The `hotseat` binary as scripts use it: the command contract, exit codes, plain mode through
//! a whole onsite loop, and a `kill -9` in the middle of a session.

mod support;

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use support::cli::{Plain, json, run, session_ids, stderr};

const GOOD_ANSWER: &str = "First I would clarify the requirements, because the access patterns decide the design. \
Then I would explain the trade-offs of each option and test the edge cases.";

#[test]
fn a_whole_onsite_loop_in_plain_mode_is_saved_and_reviewed() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut s = Plain::spawn(
        data.path(),
        &[
            "loop",
            "--plan",
            "onsite",
            "--seed",
            "11",
            "--follow-ups",
            "1",
            "--plain",
            "--offline",
        ],
    );
    let mut questions = 0;
    let mut follow_ups = 0;
    while let Some(prompt) = s.next_prompt() {
        if prompt.iter().any(|l| l.starts_with("--- Follow-up")) {
            follow_ups += 1;
        } else {
            questions += 1;
        }
        assert!(questions + follow_ups < 40, "the loop does not end");
        s.answer(&format!(
            "{GOOD_ANSWER} (answer {})",
            questions + follow_ups
        ));
    }
    let out = s.rest();
    assert!(s.child.wait().expect("exits").success(), "{out}");
    assert!(out.contains("=== Debrief ==="), "{out}");
    assert!(out.contains("offline estimate"), "{out}");
    // Coding, system design, database or SQL, two distributed systems, API design, two behavioral.
    assert_eq!(questions, 8, "{out}");
    assert!(
        follow_ups > 0,
        "the offline interviewer asks the bank's probes: {out}"
    );

    let ids = session_ids(data.path());
    assert_eq!(ids.len(), 1);
    let list = json(&run(data.path(), &["review", "--json"]));
    let summary = &list[0];
    assert_eq!(summary["plan"], "onsite");
    assert_eq!(summary["answers"], 8);
    assert!(summary["started_at"].is_string());
    let overall = summary["overall"].as_f64().expect("overall");
    assert!((1.0..=4.0).contains(&overall));

    let t = json(&run(data.path(), &["review", &ids[0], "--json"]));
    assert_eq!(t["format"], 1);
    assert_eq!(t["status"], "completed");
    let qs = t["questions"].as_array().expect("questions");
    let rounds: Vec<&str> = qs
        .iter()
        .map(|q| q["round"].as_str().expect("round"))
        .collect();
    assert_eq!(rounds[0], "coding");
    assert_eq!(rounds[1], "system-design");
    assert!(rounds[2] == "database-design" || rounds[2] == "sql");
    assert_eq!(
        &rounds[3..],
        [
            "distributed-systems",
            "distributed-systems",
            "api-design",
            "behavioral",
            "behavioral"
        ]
    );
    for q in qs {
        let score = q["scores"]
            .as_array()
            .expect("scores")
            .last()
            .expect("graded");
        assert_eq!(score["scorer"], "offline");
        assert_eq!(score["label"], "offline estimate");
        assert!(
            q["turns"][0]["answer"]
                .as_str()
                .expect("answer")
                .starts_with("First I would clarify")
        );
        assert!(
            t["rubrics"][q["round"].as_str().expect("round")].is_string(),
            "rubric version recorded"
        );
    }
    let asked: usize = qs
        .iter()
        .map(|q| {
            q["turns"]
                .as_array()
                .expect("turns")
                .iter()
                .filter(|t| t["kind"] == "follow-up")
                .count()
        })
        .sum();
    assert_eq!(asked, follow_ups);

    let text = run(data.path(), &["review", &ids[0]]);
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("Talking points"));
}

#[test]
fn the_same_seed_asks_the_same_questions() {
    let data = tempfile::tempdir().expect("temp dir");
    let first = |seed: &str| {
        let mut s = Plain::spawn(
            data.path(),
            &[
                "loop",
                "--plan",
                "screen",
                "--seed",
                seed,
                "--plain",
                "--follow-ups",
                "0",
            ],
        );
        let prompt = s.next_prompt().expect("a question");
        s.close_input();
        s.rest();
        let _ = s.child.wait();
        prompt.join("\n")
    };
    assert_eq!(first("5"), first("5"));
}

#[test]
fn kill_9_in_the_middle_keeps_the_answered_questions() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut s = Plain::spawn(
        data.path(),
        &[
            "loop",
            "--plan",
            "onsite",
            "--seed",
            "3",
            "--follow-ups",
            "0",
            "--plain",
        ],
    );
    for n in 1..=2 {
        s.next_prompt().expect("a question");
        s.answer(&format!("answer number {n} about the trade-offs"));
    }
    s.next_prompt().expect("the third question");
    // Wait until the second answer is on disk, as a candidate would have seen it saved.
    let deadline = Instant::now() + Duration::from_secs(20);
    let id = loop {
        if let Some(id) = session_ids(data.path()).pop() {
            let t = json(&run(data.path(), &["review", &id, "--json"]));
            let answered = t["questions"]
                .as_array()
                .expect("questions")
                .iter()
                .filter(|q| q["status"] == "answered")
                .count();
            if answered == 2 {
                break id;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the answers never reached the disk"
        );
        thread::sleep(Duration::from_millis(50));
    };
    s.child.kill().expect("SIGKILL");
    let _ = s.child.wait();

    let t = json(&run(data.path(), &["review", &id, "--json"]));
    assert_eq!(t["status"], "in-progress");
    let qs = t["questions"].as_array().expect("questions");
    assert_eq!(
        qs[0]["turns"][0]["answer"],
        "answer number 1 about the trade-offs"
    );
    assert_eq!(
        qs[1]["turns"][0]["answer"],
        "answer number 2 about the trade-offs"
    );
    assert_eq!(qs[2]["status"], "asked");
    let list = json(&run(data.path(), &["review", "--json"]));
    assert_eq!(list[0]["answers"], 2);
}

#[test]
fn end_of_input_ends_the_session_and_keeps_the_partial_answer() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut s = Plain::spawn(data.path(), &["practice", "sql", "--seed", "1", "--plain"]);
    s.next_prompt().expect("a question");
    let stdin = s.stdin.as_mut().expect("stdin");
    writeln!(stdin, "a half-written answer with no closing dot").expect("write");
    s.close_input();
    let out = s.rest();
    assert!(s.child.wait().expect("exits").success());
    assert!(out.contains("Input ended"), "{out}");
    let id = session_ids(data.path()).pop().expect("a session");
    let t = json(&run(data.path(), &["review", &id, "--json"]));
    assert_eq!(t["status"], "ended-early");
    assert_eq!(
        t["questions"][0]["turns"][0]["answer"],
        "a half-written answer with no closing dot"
    );
    assert_eq!(t["plan"]["name"], "practice");
    assert_eq!(t["plan"]["target"], "sql");
}

#[test]
fn an_empty_answer_skips_the_question_and_plain_mode_is_automatic_without_a_terminal() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut s = Plain::spawn(
        data.path(),
        &["practice", "window-functions", "--seed", "2"],
    );
    s.next_prompt().expect("a question");
    s.stdin
        .as_mut()
        .expect("stdin")
        .write_all(b".\n")
        .expect("write");
    let out = s.rest();
    assert!(s.child.wait().expect("exits").success());
    let id = session_ids(data.path()).pop().expect("a session");
    let t = json(&run(data.path(), &["review", &id, "--json"]));
    assert_eq!(t["questions"][0]["status"], "skipped", "{out}");
    assert_eq!(t["status"], "completed");
}

#[test]
fn answer_prints_the_documented_json() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = run(
        data.path(),
        &[
            "answer",
            "--question",
            "How do you handle duplicate message delivery in a queue consumer?",
            "--text",
            "Because the broker delivers at least once, the consumer will see some messages twice, so I make it idempotent.",
            "--offline",
            "--json",
        ],
    );
    let v = json(&out);
    let overall = v["overall"].as_f64().expect("overall");
    assert!((1.0..=4.0).contains(&overall));
    assert_eq!(v["scorer"], "offline");
    assert_eq!(v["question"], "ds-duplicate-delivery");
    for d in v["dimensions"].as_array().expect("dimensions") {
        assert!(d["id"].is_string() && d["reason"].is_string());
        assert!((1..=4).contains(&d["level"].as_u64().expect("level")));
    }
    let points = v["talking_points"].as_array().expect("talking_points");
    assert!(points.len() >= 4);
    for p in points {
        assert!(p["text"].is_string() && p["covered"].is_boolean());
        assert!(p["evidence"].is_null() || p["evidence"].is_string());
    }
    assert!(points.iter().any(|p| p["covered"] == true), "{v}");
    assert!(v["flags"].is_array());
}

#[test]
fn answer_reads_a_file_and_grades_an_outside_question_by_its_round() {
    let data = tempfile::tempdir().expect("temp dir");
    let file = data.path().join("answer.txt");
    std::fs::write(
        &file,
        "I would shard by tenant because every query is scoped to one tenant.",
    )
    .expect("write");
    let question = "How would you store audit logs for ten thousand tenants?";
    let missing_round = run(
        data.path(),
        &[
            "answer",
            "--question",
            question,
            "--file",
            file.to_str().expect("path"),
        ],
    );
    assert_eq!(missing_round.status.code(), Some(2));
    assert!(
        stderr(&missing_round).contains("--round"),
        "{}",
        stderr(&missing_round)
    );
    let v = json(&run(
        data.path(),
        &[
            "answer",
            "--question",
            question,
            "--file",
            file.to_str().expect("path"),
            "--round",
            "database-design",
            "--json",
        ],
    ));
    assert_eq!(v["round"], "database-design");
    assert!(
        v["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .any(|f| f == "no-talking-points")
    );
    assert!(v["overall"].as_f64().expect("overall") <= 2.5);
}

#[test]
fn questions_lists_the_bank() {
    let data = tempfile::tempdir().expect("temp dir");
    let all = json(&run(data.path(), &["questions", "--json"]));
    let all = all.as_array().expect("a list");
    assert!(all.len() >= 70);
    for q in all {
        for key in ["id", "round", "text", "topics", "level", "talking_points"] {
            assert!(!q[key].is_null(), "{key} missing in {q}");
        }
    }
    let sql = json(&run(
        data.path(),
        &["questions", "--round", "sql", "--json"],
    ));
    assert!(
        sql.as_array()
            .expect("a list")
            .iter()
            .all(|q| q["round"] == "sql")
    );
    let text = run(data.path(), &["questions"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("DISTRIBUTED SYSTEMS"));
}

#[test]
fn usage_and_content_errors_exit_2_with_one_sentence() {
    let data = tempfile::tempdir().expect("temp dir");
    for args in [
        vec!["loop", "--plan", "marathon", "--plain"],
        vec!["loop", "--plan", "screen", "--level", "principal"],
        vec!["practice", "no-such-topic", "--plain"],
        vec!["questions", "--round", "cooking"],
        vec!["review", "no-such-session"],
        vec!["answer", "--question", "ds-distributed-lock"],
        vec![],
    ] {
        let out = run(data.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.trim().is_empty(), "{args:?} said nothing");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A broken user rubric names its file and line.
    let rubrics = data.path().join("config/rubrics");
    std::fs::create_dir_all(&rubrics).expect("mkdir");
    std::fs::write(
        rubrics.join("mine.toml"),
        "format = 1\n[[questions]]\nid = 3\n",
    )
    .expect("write");
    let out = run(data.path(), &["questions"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("mine.toml:3:"), "{}", stderr(&out));
}

#[test]
fn a_corrupt_transcript_is_skipped_and_named() {
    let data = tempfile::tempdir().expect("temp dir");
    let dir = data.path().join("home/sessions/broken");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("transcript.json"), "{ not json").expect("write");
    let out = run(data.path(), &["review", "--json"]);
    assert_eq!(json(&out), serde_json::json!([]));
    assert!(stderr(&out).contains("broken"), "{}", stderr(&out));
    let one = run(data.path(), &["review", "broken"]);
    assert_eq!(one.status.code(), Some(1));
    assert!(stderr(&one).contains("transcript.json"), "{}", stderr(&one));
}

#[test]
fn version_and_completions() {
    let data = tempfile::tempdir().expect("temp dir");
    let v = run(data.path(), &["--version"]);
    assert!(v.status.success());
    assert!(String::from_utf8_lossy(&v.stdout).starts_with("hotseat "));
    for shell in ["bash", "zsh", "fish"] {
        let c = run(data.path(), &["completions", shell]);
        assert!(c.status.success());
        assert!(
            String::from_utf8_lossy(&c.stdout).contains("practice"),
            "{shell}"
        );
    }
}

#[test]
fn data_dir_flag_moves_the_sessions() {
    let data = tempfile::tempdir().expect("temp dir");
    let elsewhere = data.path().join("elsewhere");
    let mut s = Plain::spawn(
        data.path(),
        &[
            "practice",
            "behavioral",
            "--plain",
            "--data-dir",
            elsewhere.to_str().expect("path"),
        ],
    );
    s.next_prompt().expect("a question");
    s.answer("At my last company I led a migration and we cut latency by 40%.");
    s.close_input();
    s.rest();
    assert!(s.child.wait().expect("exits").success());
    assert!(
        session_ids(data.path()).is_empty(),
        "nothing under HOTSEAT_HOME"
    );
    let list = json(&run(
        data.path(),
        &[
            "review",
            "--json",
            "--data-dir",
            elsewhere.to_str().expect("path"),
        ],
    ));
    assert_eq!(list.as_array().map(Vec::len), Some(1));
}

#[test]
fn the_sample_recordings_still_read() {
    let data = tempfile::tempdir().expect("temp dir");
    let list = json(&run(
        data.path(),
        &["review", "--json", "--data-dir", "recordings"],
    ));
    let list = list.as_array().expect("a list");
    assert!(!list.is_empty(), "recordings/ holds sample sessions");
    for s in list {
        let id = s["id"].as_str().expect("id");
        let t = json(&run(
            data.path(),
            &["review", id, "--json", "--data-dir", "recordings"],
        ));
        assert_eq!(t["format"], 1);
        assert!(t["questions"][0]["scores"][0]["overall"].is_number());
    }
}

#[test]
fn eval_reports_agreement_with_the_calibration_set() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut files: Vec<String> = std::fs::read_dir("tests/calibration")
        .expect("calibration")
        .flatten()
        .map(|e| e.path().display().to_string())
        .collect();
    files.sort();
    let mut args = vec!["eval", "--json"];
    args.extend(files.iter().map(String::as_str));
    let r = json(&run(data.path(), &args));
    assert!(r["count"].as_u64().expect("count") >= 100);
    assert_eq!(r["scorer"], "offline");
    for key in ["pairwise_accuracy", "spearman", "mean_absolute_error"] {
        assert!(r[key].is_number(), "{key} in {r}");
    }
    for kind in ["strong", "buzzwords", "fluent-wrong", "injection"] {
        assert!(
            r["by_kind"][kind]["count"].as_u64().expect("a kind") > 0,
            "{kind}"
        );
    }
    let text = run(data.path(), &["eval", &files[0]]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Pairwise ranking accuracy")
            && text.contains("Spearman")
            && text.contains("Mean absolute error")
    );

    let bad = data.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"round\": \"sql\", \"question\": \"x\", \"answer\": \"y\", \"grade\": 3}\nnot json\n",
    )
    .expect("write");
    let out = run(data.path(), &["eval", bad.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.jsonl:2:"), "{}", stderr(&out));
}

#[test]
fn an_unwritable_data_dir_is_reported_before_the_first_question() {
    let data = tempfile::tempdir().expect("temp dir");
    let file = data.path().join("a-file");
    std::fs::write(&file, "not a folder").expect("write");
    let out = run(
        data.path(),
        &[
            "practice",
            "sql",
            "--plain",
            "--data-dir",
            file.to_str().expect("path"),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--data-dir"), "{}", stderr(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Question 1"));
}

#[test]
fn invalid_bytes_in_an_answer_do_not_lose_it() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut s = Plain::spawn(
        data.path(),
        &["practice", "sql", "--plain", "--follow-ups", "0"],
    );
    s.next_prompt().expect("a question");
    let stdin = s.stdin.as_mut().expect("stdin");
    stdin
        .write_all(b"caf\xe9 au lait index\n.\n")
        .expect("write");
    s.close_input();
    s.rest();
    assert!(s.child.wait().expect("exits").success());
    let id = session_ids(data.path()).pop().expect("a session");
    let t = json(&run(data.path(), &["review", &id, "--json"]));
    assert_eq!(
        t["questions"][0]["turns"][0]["answer"],
        "caf\u{fffd} au lait index"
    );
}

#[test]
fn an_unknown_practice_target_suggests_close_names() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = run(data.path(), &["practice", "window-function", "--plain"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean window-functions"),
        "{}",
        stderr(&out)
    );
}
