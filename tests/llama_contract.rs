//! The contract with a real OpenAI-compatible server: llama.cpp's own `llama-server` running the
//! small SmolLM2-135M model (`scripts/test-tools` builds both; `scripts/test` runs it first). The
//! model is far too small to grade anything, so these tests assert on the protocol only: a
//! structured result that validates, streaming, timeouts, the fall back from a schema the server
//! cannot use, and a whole grading that comes back as a model grade. Never on a grade's value.

mod support;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hotseat::content::{Bank, Level};
use hotseat::llm::structured::{OutputMode, chat_json};
use hotseat::llm::{
    ChatRequest, Format, FormatMemory, ModelClient, ModelError, RetryPolicy, runtime,
};
use hotseat::prompts::Prompts;
use hotseat::scoring::model::ModelScorer;
use hotseat::scoring::model::json::extract_object;
use hotseat::scoring::{ScoreRequest, Scorer};
use serde_json::{Value, json};

/// One server at a time: the machine has two cores and each server uses both.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

struct Llama {
    child: Child,
    url: String,
    _turn: MutexGuard<'static, ()>,
}

impl Drop for Llama {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tool(var: &str, file: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return PathBuf::from(path);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_default();
    std::env::var_os("HOTSEAT_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("hotseat-tools"))
        .join(file)
}

fn start() -> Llama {
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (server, model) = (
        tool("HOTSEAT_LLAMA_SERVER", "llama-server"),
        tool("HOTSEAT_LLAMA_MODEL", "smollm2.gguf"),
    );
    assert!(
        server.is_file() && model.is_file(),
        "llama-server or the SmolLM2 model is missing ({} / {}): run ./scripts/test-tools, which ./scripts/test runs first",
        server.display(),
        model.display()
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    // One slot with the whole context (a grading prompt is about 2,500 tokens), and a memory cap:
    // a schema the grammar builder chokes on must fail the request, not exhaust the machine.
    let child = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 4000000 && exec "$0" -m "$1" --alias smollm2 --host 127.0.0.1 --port "$2" -c 8192 -np 1 -t 2 --no-webui"#)
        .arg(&server)
        .arg(&model)
        .arg(port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("llama-server starts");
    let llama = Llama {
        child,
        url: format!("http://127.0.0.1:{port}/v1"),
        _turn: turn,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let client = client(&llama, Duration::from_secs(5));
    while runtime::block_on(client.models()).is_err() {
        assert!(
            Instant::now() < deadline,
            "llama-server did not become ready"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    llama
}

fn client(llama: &Llama, read: Duration) -> ModelClient {
    support::model::client(&llama.url, "smollm2", None, read, RetryPolicy::none())
}

fn tiny(format: Format, max_tokens: u32) -> ChatRequest {
    ChatRequest {
        system: "You answer in JSON.".into(),
        user: "Rate the answer \"use an index\" from 1 to 4 and say if it is correct.".into(),
        temperature: 0.0,
        max_tokens: Some(max_tokens),
        format,
    }
}

fn rating_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "level": {"type": "integer", "enum": [1, 2, 3, 4]},
            "correct": {"type": "boolean"}
        },
        "required": ["level", "correct"],
        "additionalProperties": false
    })
}

#[test]
fn the_model_list_names_the_alias() {
    let llama = start();
    let models =
        runtime::block_on(client(&llama, Duration::from_secs(10)).models()).expect("models");
    assert!(models.iter().any(|m| m == "smollm2"), "{models:?}");
}

#[test]
fn a_json_schema_reply_validates() {
    let llama = start();
    let memory = FormatMemory::new();
    let c = client(&llama, Duration::from_secs(60));
    let (completion, mode) = runtime::block_on(chat_json(
        &c,
        &memory,
        &tiny(Format::Text, 60),
        "rating",
        &rating_schema(),
    ))
    .expect("a reply");
    assert_eq!(
        mode,
        OutputMode::JsonSchema,
        "llama-server enforces schemas"
    );
    let value = extract_object(&completion.text).expect("a JSON object");
    let level = value["level"].as_i64().expect("level is an integer");
    assert!((1..=4).contains(&level), "{value}");
    assert!(value["correct"].is_boolean(), "{value}");
    assert_eq!(
        value.as_object().map(|o| o.len()),
        Some(2),
        "no extra keys: {value}"
    );
}

#[test]
fn a_schema_the_server_cannot_use_falls_back_to_json_mode() {
    let llama = start();
    let memory = FormatMemory::new();
    let c = client(&llama, Duration::from_secs(60));
    // A reference to a definition the schema lacks: llama.cpp cannot build a grammar from it and
    // refuses the request (HTTP 400); JSON mode needs no schema.
    let mut schema = rating_schema();
    schema["properties"]["note"] = json!({"$ref": "#/$defs/note"});
    let refused = runtime::block_on(c.chat(&tiny(
        Format::JsonSchema {
            name: "rating".into(),
            schema: schema.clone(),
        },
        40,
    )))
    .expect_err("the schema is refused");
    assert!(refused.refuses_format(), "{refused:?}");
    let (completion, mode) = runtime::block_on(chat_json(
        &c,
        &memory,
        &tiny(Format::Text, 60),
        "rating",
        &schema,
    ))
    .expect("a reply in another mode");
    assert_eq!(mode, OutputMode::JsonObject);
    assert_eq!(memory.get(c.url(), c.model()), Some(OutputMode::JsonObject));
    // JSON mode constrains the reply to start an object; a model this small may ramble inside it
    // until the length limit, which the grader reports as a cut-off reply, never half-parses.
    assert!(
        completion.text.trim_start().starts_with('{'),
        "{:?}",
        completion.text
    );
    if !completion.truncated() {
        extract_object(&completion.text).expect("a finished JSON-mode reply is an object");
    }
}

#[test]
fn a_reply_streams_in_pieces_and_finishes() {
    let llama = start();
    let c = client(&llama, Duration::from_secs(60));
    let mut pieces = Vec::new();
    let request = ChatRequest {
        system: "You are an interviewer.".into(),
        user: "Ask one question about databases.".into(),
        temperature: 0.0,
        max_tokens: Some(40),
        format: Format::Text,
    };
    let completion =
        runtime::block_on(c.chat_stream(&request, &mut |p: &str| pieces.push(p.to_string())))
            .expect("a streamed reply");
    assert!(pieces.len() >= 2, "{pieces:?}");
    assert_eq!(pieces.concat(), completion.text);
    assert!(
        matches!(completion.finish_reason.as_deref(), Some("stop" | "length")),
        "{:?}",
        completion.finish_reason
    );
}

#[test]
fn a_server_slower_than_the_read_timeout_is_a_timeout() {
    let llama = start();
    // A long prompt keeps the server busy well past a 300 ms read timeout before it says anything.
    let c = client(&llama, Duration::from_millis(300));
    let request = ChatRequest {
        system: "You summarise.".into(),
        user: "The consumer reads a message, writes to the database, then acknowledges. "
            .repeat(120),
        temperature: 0.0,
        max_tokens: Some(200),
        format: Format::Text,
    };
    let started = Instant::now();
    let error = runtime::block_on(c.chat(&request)).expect_err("too slow");
    assert!(matches!(error, ModelError::Timeout { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_whole_grading_is_a_checked_model_grade_or_a_labelled_estimate() {
    let llama = start();
    let bank = Bank::bundled().expect("bank");
    let memory = Arc::new(FormatMemory::new());
    let scorer = ModelScorer::new(
        client(&llama, Duration::from_secs(120)),
        Arc::new(Prompts::bundled().expect("prompts")),
        bank.lexicon.clone(),
        memory.clone(),
        1,
        1,
    );
    let question = bank.question("ds-duplicate-delivery").expect("question");
    let rubric = bank.rubric(&question.round).expect("rubric");
    let score = scorer
        .score(&ScoreRequest {
            question,
            rubric,
            answer: "Deliveries repeat, so I dedupe on a message id in the same transaction as the write, and ack after commit.",
            level: Level::Senior,
        })
        .expect("a score either way");
    eprintln!("SmolLM2's grading: {} {:?}", score.scorer, score.flags);
    // The server took the schema; what the tiny model wrote inside it decides the rest.
    assert_eq!(
        memory.get(&llama.url, "smollm2"),
        Some(OutputMode::JsonSchema)
    );
    assert_eq!(score.dimensions.len(), rubric.dimensions.len());
    assert!(score.dimensions.iter().all(|d| (1..=4).contains(&d.level)));
    assert_eq!(score.talking_points.len(), question.points.len());
    assert!((1.0..=4.0).contains(&score.overall));
    if score.scorer == "model:smollm2" {
        assert!(!score.estimate);
        assert_eq!(score.label, "model grade");
    } else {
        // It rambled past the length limit or wrote something unusable: the answer keeps the
        // offline estimate, labelled, flagged and marked for rescore.
        assert_eq!(score.scorer, "offline");
        assert!(score.needs_rescore(), "{:?}", score.flags);
        assert!(
            score.has_flag("model-truncated") || score.has_flag("model-bad-reply"),
            "{:?}",
            score.flags
        );
        assert!(score.notice.is_some());
    }
}
