//! A real local HTTP server that speaks the OpenAI protocol, for hotseat's integration tests and
//! benchmarks: chat completions (plain, streamed, refused, failing, slow), models, transcription
//! and speech, with every request recorded so a test can check what hotseat sent.
#![allow(dead_code)]

mod grading;
mod replies;
mod server;

use std::collections::VecDeque;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

// A test binary that grades nothing leaves this re-export unused, like the dead code above.
#[allow(unused_imports)]
pub use grading::{grading_reply, gullible};

/// What the server does with one chat request.
#[derive(Debug, Clone)]
pub enum Step {
    /// The normal reply with this assistant text: one `chat.completion` object, or, when the
    /// request asks for `"stream": true`, an SSE stream of small content deltas ending in `[DONE]`.
    Reply(String),
    /// Like `Reply`, with `reasoning_content` beside the content (streamed first when streaming).
    Reasoning { reasoning: String, content: String },
    /// A bare-bones reply: status 200 and exactly this JSON body.
    Json(Value),
    /// Any status, headers and body (a 429 with `Retry-After`, a 503 page, ...).
    Raw {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Wait, then do the inner step.
    Delay(Duration, Box<Step>),
    /// An SSE stream of these content deltas with `pause` between them, ending as `end` says.
    Stream {
        chunks: Vec<String>,
        pause: Duration,
        end: StreamEnd,
    },
    /// Accept the request and never answer; the handler is dropped when the client gives up.
    Hang,
}

impl Step {
    pub fn reply(text: impl Into<String>) -> Step {
        Step::Reply(text.into())
    }

    pub fn after(wait: Duration, step: Step) -> Step {
        Step::Delay(wait, Box::new(step))
    }
}

/// How a `Step::Stream` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEnd {
    /// A chunk with `finish_reason: "stop"`, then `data: [DONE]`.
    Done,
    /// The connection is aborted mid-body: no finish chunk, no `[DONE]`, no clean end of the
    /// chunked body, so the client sees a read error as on a dropped network.
    Cut,
    /// The connection stays open and nothing more is sent.
    Stall,
}

/// One request as it arrived, recorded before it is answered.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names are lower-case; values are decoded lossily as UTF-8.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

type Responder = Arc<dyn Fn(&Value) -> Step + Send + Sync>;

/// What the test has set up, and what the server has seen. Locked only briefly, never across an
/// await, so concurrent requests do not wait on each other.
struct Scenario {
    queue: VecDeque<Step>,
    responder: Responder,
    refuse_json_schema: bool,
    refuse_json_object: bool,
    key: Option<String>,
    models: Vec<String>,
    transcript: String,
    requests: Vec<Recorded>,
}

#[derive(Clone)]
struct Shared(Arc<Mutex<Scenario>>);

impl Shared {
    /// A test that panicked while the server held the lock must not hide its own failure behind
    /// a poisoned-lock panic in every later request, so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, Scenario> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The running server. Dropping it stops the server and closes every open connection (hung and
/// stalled ones included).
pub struct FakeModel {
    addr: SocketAddr,
    shared: Shared,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeModel {
    /// Binds 127.0.0.1 on a free port and serves from a thread with its own tokio runtime, so
    /// both plain `#[test]`s and `#[tokio::test]`s can use it.
    pub fn start() -> FakeModel {
        let shared = Shared(Arc::new(Mutex::new(Scenario {
            queue: VecDeque::new(),
            responder: Arc::new(|_: &Value| Step::reply("ok")),
            refuse_json_schema: false,
            refuse_json_object: false,
            key: None,
            models: vec!["fake-model".into()],
            transcript: "ok".into(),
            requests: Vec::new(),
        })));
        // Bound here rather than on the server thread so the port is known before `start`
        // returns and a request sent straight away is never refused.
        let listener =
            TcpListener::bind("127.0.0.1:0").expect("bind a local port for the fake model");
        let addr = listener
            .local_addr()
            .expect("the fake model's local address");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener for tokio");
        let (stop, stopped) = oneshot::channel();
        let app = server::router(shared.clone());
        let thread = std::thread::Builder::new()
            .name("fake-model".into())
            .spawn(move || server::serve(listener, app, stopped))
            .expect("spawn the fake model's thread");
        FakeModel {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Queues a reply for the next chat request; queued steps are used in order, before the
    /// responder.
    pub fn push(&self, step: Step) {
        self.shared.lock().queue.push_back(step);
    }

    /// How chat requests are answered once the queue is empty (by default `Step::Reply("ok")`).
    pub fn respond_with(&self, f: impl Fn(&Value) -> Step + Send + Sync + 'static) {
        self.shared.lock().responder = Arc::new(f);
    }

    /// Answer chat requests with `response_format.type == "json_schema"` with HTTP 400, as some
    /// local servers do, without consuming a queued step.
    pub fn refuse_json_schema(&self, on: bool) {
        self.shared.lock().refuse_json_schema = on;
    }

    /// The same for `response_format.type == "json_object"`.
    pub fn refuse_json_object(&self, on: bool) {
        self.shared.lock().refuse_json_object = on;
    }

    /// When set, every endpoint answers 401 unless the request carries `Authorization: Bearer KEY`.
    pub fn require_key(&self, key: Option<&str>) {
        self.shared.lock().key = key.map(str::to_string);
    }

    /// The ids `GET /v1/models` lists (by default `["fake-model"]`).
    pub fn set_models(&self, ids: &[&str]) {
        self.shared.lock().models = ids.iter().map(|id| id.to_string()).collect();
    }

    /// The text `POST /v1/audio/transcriptions` returns (by default "ok").
    pub fn set_transcript(&self, text: &str) {
        self.shared.lock().transcript = text.to_string();
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// The JSON bodies of the chat requests so far (refused ones included), in arrival order.
    pub fn chat_requests(&self) -> Vec<Value> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.method == "POST" && r.path == server::CHAT_PATH)
            .filter_map(Recorded::json)
            .collect()
    }

    /// How many queued steps are still unused.
    pub fn queued(&self) -> usize {
        self.shared.lock().queue.len()
    }
}

impl Drop for FakeModel {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may already be gone (its thread panicked); nothing to stop then.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread has already been printed; re-raising it from a
            // destructor could abort the test binary.
            let _ = thread.join();
        }
    }
}
