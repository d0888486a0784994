//! Turning a `Step` into the HTTP reply a chat client sees: `chat.completion` objects, SSE streams
//! of `chat.completion.chunk`s (finished, cut or stalled), raw replies; and the WAV that speech returns.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Step, StreamEnd};

/// Characters per content delta when a `Reply` is streamed: small enough that every reply of
/// more than a word arrives in several chunks, as from a real model.
const DELTA_CHARS: usize = 4;

pub async fn chat(mut step: Step, request: &Value) -> Response {
    while let Step::Delay(wait, inner) = step {
        tokio::time::sleep(wait).await;
        step = *inner;
    }
    let reply = Completion::for_request(request);
    let streamed = request.get("stream").and_then(Value::as_bool) == Some(true);
    match step {
        Step::Reply(content) if streamed => reply.stream("", &content),
        Step::Reply(content) => reply.object(None, &content),
        Step::Reasoning { reasoning, content } if streamed => reply.stream(&reasoning, &content),
        Step::Reasoning { reasoning, content } => reply.object(Some(&reasoning), &content),
        Step::Json(body) => axum::Json(body).into_response(),
        Step::Raw {
            status,
            headers,
            body,
        } => raw(status, &headers, body),
        Step::Stream { chunks, pause, end } => {
            let mut frames = vec![Frame::data(
                Duration::ZERO,
                reply.delta(json!({"role": "assistant"})),
            )];
            for (i, chunk) in chunks.iter().enumerate() {
                let wait = if i == 0 { Duration::ZERO } else { pause };
                frames.push(Frame::data(wait, reply.delta(json!({ "content": chunk }))));
            }
            match end {
                StreamEnd::Done => frames.extend(reply.finish()),
                StreamEnd::Cut => frames.push(Frame::Cut { wait: pause }),
                StreamEnd::Stall => frames.push(Frame::Stall),
            }
            sse(frames)
        }
        Step::Hang => std::future::pending().await,
        Step::Delay(..) => unreachable!("delays were waited out above"),
    }
}

/// What every reply to one request shares.
struct Completion {
    id: String,
    model: String,
    created: u64,
}

impl Completion {
    fn for_request(request: &Value) -> Completion {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Completion {
            id: format!("chatcmpl-fake-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed)),
            model: request
                .get("model")
                .and_then(Value::as_str)
                .unwrap_or("fake-model")
                .to_string(),
            created: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        }
    }

    fn object(&self, reasoning: Option<&str>, content: &str) -> Response {
        let mut message = json!({ "role": "assistant", "content": content });
        if let Some(reasoning) = reasoning {
            message["reasoning_content"] = json!(reasoning);
        }
        // Rough token counts: clients only display them.
        let completion_tokens = content.split_whitespace().count();
        axum::Json(json!({
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [{ "index": 0, "message": message, "finish_reason": "stop" }],
            "usage": {
                "prompt_tokens": 10,
                "completion_tokens": completion_tokens,
                "total_tokens": 10 + completion_tokens,
            },
        }))
        .into_response()
    }

    fn stream(&self, reasoning: &str, content: &str) -> Response {
        let mut frames = vec![Frame::data(
            Duration::ZERO,
            self.delta(json!({"role": "assistant"})),
        )];
        for piece in pieces(reasoning) {
            frames.push(Frame::data(
                Duration::ZERO,
                self.delta(json!({ "reasoning_content": piece })),
            ));
        }
        for piece in pieces(content) {
            frames.push(Frame::data(
                Duration::ZERO,
                self.delta(json!({ "content": piece })),
            ));
        }
        frames.extend(self.finish());
        sse(frames)
    }

    fn chunk(&self, delta: Value, finish_reason: Option<&str>) -> String {
        json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{ "index": 0, "delta": delta, "finish_reason": finish_reason }],
        })
        .to_string()
    }

    fn delta(&self, delta: Value) -> String {
        self.chunk(delta, None)
    }

    fn finish(&self) -> [Frame; 2] {
        [
            Frame::data(Duration::ZERO, self.chunk(json!({}), Some("stop"))),
            Frame::data(Duration::ZERO, "[DONE]".into()),
        ]
    }
}

fn pieces(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(DELTA_CHARS)
        .map(|c| c.iter().collect())
        .collect()
}

/// One step of an SSE body.
enum Frame {
    /// `data: {payload}`, sent after waiting `wait`.
    Data { wait: Duration, payload: String },
    /// Abort the connection after waiting `wait`.
    Cut { wait: Duration },
    /// Send nothing more, ever.
    Stall,
}

impl Frame {
    fn data(wait: Duration, payload: String) -> Frame {
        Frame::Data { wait, payload }
    }
}

fn sse(frames: Vec<Frame>) -> Response {
    let body = futures::stream::unfold(frames.into_iter(), |mut frames| async move {
        let item = match frames.next()? {
            Frame::Data { wait, payload } => {
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
                Ok(Bytes::from(format!("data: {payload}\n\n")))
            }
            // An error from the body makes hyper drop the connection without the chunked
            // terminator, which is what a client sees when the network goes away. Hyper drops
            // what it has not yet written too, so the body first returns `Pending` at least once
            // (the sleep, or the yield): that is when hyper flushes the chunks sent so far.
            Frame::Cut { wait } => {
                tokio::time::sleep(wait).await;
                tokio::task::yield_now().await;
                Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "the fake model cut the stream",
                ))
            }
            Frame::Stall => std::future::pending().await,
        };
        Some((item, frames))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(body))
        .expect("an SSE response from fixed headers")
}

fn raw(status: u16, headers: &[(String, String)], body: String) -> Response {
    let status = StatusCode::from_u16(status).expect("Step::Raw needs a status in 100..=999");
    let mut response = (status, body).into_response();
    let map = response.headers_mut();
    if headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        map.remove(header::CONTENT_TYPE);
    }
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).expect("Step::Raw header names must be valid"),
            HeaderValue::from_str(value).expect("Step::Raw header values must be valid"),
        );
    }
    response
}

/// 0.1 s of silence, 16-bit mono at 16 kHz, with the 44-byte header written out.
pub fn silence_wav() -> Vec<u8> {
    const RATE: u32 = 16_000;
    const SAMPLES: u32 = RATE / 10;
    let data_len = SAMPLES * 2;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
    wav.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
    wav.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    wav.resize(44 + data_len as usize, 0);
    wav
}
