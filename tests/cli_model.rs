//! The built `hotseat` binary against a real local OpenAI-protocol server: a typed loop graded and
//! followed up by the model, `answer --json`, an endpoint that is down (the answer kept, the
//! offline estimate labelled, marked for rescore), `rescore`, and `doctor`.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use support::cli::{Plain, hotseat, json, run, session_ids, stderr};
use support::fake_model::{FakeModel, Step, StreamEnd, grading_reply};

const FOLLOW_UP: &str = "What would you do differently if traffic grew a hundredfold?";
const ANSWER: &str = "I would clarify the requirements first, because the access patterns decide the design, then explain the trade-offs.";
const KEY: &str = "sk-cli-secret-5678";

fn system_prompt(request: &Value) -> &str {
    request["messages"][0]["content"]
        .as_str()
        .unwrap_or_default()
}

/// A server that grades every answer 3 and asks one follow-up per question, as a model would.
fn model_server() -> FakeModel {
    let fake = FakeModel::start();
    fake.require_key(Some(KEY));
    fake.respond_with(|r| {
        let system = system_prompt(r);
        if system.contains("You are the interviewer") {
            Step::Stream {
                chunks: vec![
                    "What would you do ".into(),
                    "differently if traffic grew a hundredfold?".into(),
                ],
                pause: Duration::from_millis(10),
                end: StreamEnd::Done,
            }
        } else if system.contains("grading one answer") {
            Step::Reply(grading_reply(r, 3, Some("clarify the requirements first")))
        } else if system.contains("hiring-committee") {
            Step::Stream {
                chunks: vec![
                    "Lean hire. ".into(),
                    "Strong on requirements; ".into(),
                    "practise capacity estimates.".into(),
                ],
                pause: Duration::from_millis(10),
                end: StreamEnd::Done,
            }
        } else if system.contains("check that a connection works") {
            Step::Reply("{\"ok\": true}".into())
        } else {
            Step::Reply("Tell me about a time you disagreed with a design.".into())
        }
    });
    fake
}

fn with_model<'a>(args: &[&'a str], url: &'a str) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--base-url", url, "--model", "fake-model"]);
    all
}

fn scores(data: &Path, session: &str) -> Vec<Vec<Value>> {
    let t = json(&run_keyed(data, &["review", session, "--json"]));
    t["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["scores"].as_array().expect("scores").clone())
        .collect()
}

fn run_keyed(data: &Path, args: &[&str]) -> std::process::Output {
    hotseat(data)
        .env("HOTSEAT_API_KEY", KEY)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("hotseat runs")
}

fn no_key_anywhere(data: &Path, output: &std::process::Output) {
    for text in [
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    ] {
        assert!(!text.contains(KEY), "the key was printed: {text}");
    }
    for entry in walk(data) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(!text.contains(KEY), "the key is in {}", entry.display());
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_typed_screen_loop_is_graded_and_followed_up_by_the_model() {
    let fake = model_server();
    let data = tempfile::tempdir().expect("temp dir");
    let url = fake.base_url();
    let args = with_model(
        &[
            "loop",
            "--plan",
            "screen",
            "--seed",
            "3",
            "--follow-ups",
            "1",
            "--plain",
        ],
        &url,
    );
    let mut s = Plain::spawn_with(data.path(), &args, &[("HOTSEAT_API_KEY", KEY)]);
    let mut follow_ups = 0;
    while let Some(prompt) = s.next_prompt() {
        if prompt.iter().any(|l| l.starts_with("--- Follow-up")) {
            assert!(prompt.iter().any(|l| l == FOLLOW_UP), "{prompt:?}");
            follow_ups += 1;
        }
        s.answer(ANSWER);
    }
    let out = s.rest();
    assert!(s.child.wait().expect("exits").success(), "{out}");
    assert!(follow_ups >= 1, "{out}");
    assert!(out.contains("graded by model:fake-model"), "{out}");
    assert!(
        out.contains("=== Written debrief ===\nLean hire. Strong on requirements; practise capacity estimates."),
        "{out}"
    );

    let ids = session_ids(data.path());
    let t = json(&run_keyed(data.path(), &["review", &ids[0], "--json"]));
    assert_eq!(t["written_debrief"]["by"], "model:fake-model");
    let graded = scores(data.path(), &ids[0]);
    assert!(!graded.is_empty());
    for q in &graded {
        assert_eq!(q.last().expect("graded")["scorer"], "model:fake-model");
    }
    let sent = fake.chat_requests();
    assert!(
        sent.iter().any(|r| r["stream"] == true),
        "the follow-up was streamed"
    );
    let output = run_keyed(data.path(), &["review", &ids[0], "--json"]);
    no_key_anywhere(data.path(), &output);
}

#[test]
fn answer_json_names_the_model_that_graded_it() {
    let fake = model_server();
    let data = tempfile::tempdir().expect("temp dir");
    let url = fake.base_url();
    let args = with_model(
        &[
            "answer",
            "--question",
            "ds-duplicate-delivery",
            "--text",
            ANSWER,
            "--json",
            "--samples",
            "3",
        ],
        &url,
    );
    let output = run_keyed(data.path(), &args);
    let v = json(&output);
    assert_eq!(v["scorer"], "model:fake-model");
    assert_eq!(v["estimate"], false);
    assert_eq!(v["samples"]["overalls"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["samples"]["spread"], 0.0);
    no_key_anywhere(data.path(), &output);
}

#[test]
fn a_down_endpoint_keeps_the_answer_labels_the_estimate_and_rescore_grades_it_later() {
    let data = tempfile::tempdir().expect("temp dir");
    let down = support::model::down_url();
    let args = with_model(
        &[
            "practice",
            "ds-duplicate-delivery",
            "--follow-ups",
            "0",
            "--plain",
        ],
        &down,
    );
    let mut s = Plain::spawn_with(data.path(), &args, &[("HOTSEAT_API_KEY", KEY)]);
    s.next_prompt().expect("the question is asked");
    s.answer(ANSWER);
    let out = s.rest();
    assert!(s.child.wait().expect("exits").success(), "{out}");
    assert!(
        out.contains("(Note: The scoring model fake-model could not grade this answer"),
        "{out}"
    );
    assert!(out.contains("offline estimate"), "{out}");

    let id = session_ids(data.path()).remove(0);
    let before = scores(data.path(), &id);
    let first = &before[0][0];
    assert_eq!(first["scorer"], "offline");
    let flags: Vec<&str> = first["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        flags.contains(&"model-unreachable") && flags.contains(&"needs-rescore"),
        "{flags:?}"
    );
    let t = json(&run(data.path(), &["review", &id, "--json"]));
    assert_eq!(
        t["questions"][0]["turns"][0]["answer"], ANSWER,
        "the answer is kept"
    );

    let listed = run(data.path(), &["review"]);
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("1 answer(s) in 1 session(s)"),
        "{}",
        String::from_utf8_lossy(&listed.stdout)
    );
    assert_eq!(
        json(&run(data.path(), &["review", "--json"]))[0]["to_rescore"],
        1
    );

    // Later, with the endpoint up: only what is marked is graded again, beside the estimate.
    let fake = model_server();
    let url = fake.base_url();
    let output = run_keyed(
        data.path(),
        &with_model(&["rescore", "--pending", "--json"], &url),
    );
    let summary = json(&output);
    assert_eq!(summary["regraded"], 1);
    assert_eq!(summary["scorer"], "model:fake-model");
    let after = scores(data.path(), &id);
    assert_eq!(after[0].len(), 2);
    assert_eq!(after[0][0]["scorer"], "offline");
    assert_eq!(after[0][1]["scorer"], "model:fake-model");
    assert_eq!(
        json(&run(data.path(), &["review", "--json"]))[0]["to_rescore"],
        0
    );
    // Nothing is pending any more.
    let again = json(&run_keyed(
        data.path(),
        &with_model(&["rescore", "--pending", "--json"], &url),
    ));
    assert_eq!(again["regraded"], 0);
    // --all grades everything again.
    let all = json(&run_keyed(
        data.path(),
        &with_model(&["rescore", "--all", "--json"], &url),
    ));
    assert_eq!(all["regraded"], 1);
    assert_eq!(scores(data.path(), &id)[0].len(), 3);
    no_key_anywhere(data.path(), &output);
}

#[test]
fn rescore_without_a_model_is_a_usage_error() {
    let data = tempfile::tempdir().expect("temp dir");
    let output = run(data.path(), &["rescore", "--all"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("rescore grades with a model"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn doctor_reports_what_works_and_the_first_thing_to_fix() {
    let data = tempfile::tempdir().expect("temp dir");
    // Nothing configured: offline, and that is fine.
    let output = run(data.path(), &["doctor"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("offline scorer"));

    let fake = model_server();
    fake.set_models(&["fake-model", "other-model", "whisper-1", "tts-1"]);
    fake.refuse_json_schema(true);
    let url = fake.base_url();
    let output = run_keyed(data.path(), &with_model(&["doctor", "--json"], &url));
    let report = json(&output);
    let listings = fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/models"))
        .count();
    assert_eq!(
        listings, 1,
        "four roles on one server ask for its model list once"
    );
    assert_eq!(report["healthy"], true, "{report}");
    let checks = report["checks"].as_array().expect("checks");
    let structured = checks
        .iter()
        .find(|c| c["check"] == "structured output")
        .expect("format check");
    let detail = structured["detail"].as_str().expect("detail");
    assert!(detail.contains("grading will use json-object"), "{detail}");
    assert!(detail.contains("json-schema (refused)"), "{detail}");
    for check in ["streaming", "transcribe", "speak"] {
        assert!(
            checks
                .iter()
                .any(|c| c["check"] == check && c["ok"] == true),
            "{check}: {report}"
        );
    }
    no_key_anywhere(data.path(), &output);

    // A server without the voice models: reported, but typed interviews work, so it passes.
    fake.set_models(&["fake-model"]);
    let output = run_keyed(data.path(), &with_model(&["doctor"], &url));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("! model: whisper-1 is not offered"), "{text}");
    assert!(text.contains("only voice answers need this"), "{text}");
    fake.set_models(&["fake-model", "other-model", "whisper-1", "tts-1"]);

    // A model the server does not offer.
    let output = hotseat(data.path())
        .env("HOTSEAT_API_KEY", KEY)
        .args(["doctor", "--base-url", &url, "--model", "no-such-model"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("no-such-model is not offered; the server offers: fake-model, other-model, whisper-1, tts-1"), "{text}");
    assert!(text.contains("First thing to fix"), "{text}");

    // A wrong key.
    let output = hotseat(data.path())
        .env("HOTSEAT_API_KEY", "sk-wrong")
        .args(["doctor", "--base-url", &url])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("refused the API key"), "{text}");
    assert!(!text.contains("sk-wrong"), "{text}");
}

#[test]
fn eval_measures_the_model_and_counts_answers_it_could_not_grade() {
    let data = tempfile::tempdir().expect("temp dir");
    let file = data.path().join("graded.jsonl");
    let lines = [
        json_line("ds-duplicate-delivery", ANSWER, 2.0),
        json_line(
            "ds-duplicate-delivery",
            "Exactly-once delivery means duplicates never happen.",
            1.0,
        ),
    ];
    std::fs::write(&file, lines.join("\n")).expect("write");
    let file = file.to_string_lossy().into_owned();

    let fake = model_server();
    let url = fake.base_url();
    let report = json(&run_keyed(
        data.path(),
        &with_model(&["eval", &file, "--json"], &url),
    ));
    assert_eq!(report["scorer"], "model:fake-model");
    assert_eq!(report["count"], 2);
    assert_eq!(report["offline_stand_ins"], 0);

    let down = support::model::down_url();
    let output = run_keyed(data.path(), &with_model(&["eval", &file], &down));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("the model could not grade 2 answer(s)"),
        "{text}"
    );
}

fn json_line(question: &str, answer: &str, grade: f64) -> String {
    serde_json::json!({"round": "distributed-systems", "question": question, "answer": answer, "grade": grade}).to_string()
}

#[test]
fn model_flags_before_a_command_are_not_silently_ignored() {
    let data = tempfile::tempdir().expect("temp dir");
    let output = run(data.path(), &["--model", "m", "questions"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("after the command"),
        "{}",
        stderr(&output)
    );
}
