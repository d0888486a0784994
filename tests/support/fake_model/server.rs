//! The fake model's routes: one layer records every request and checks the key, then each
//! endpoint answers from the test's scenario.

use std::future::IntoFuture;
use std::net::TcpListener;

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::{Recorded, Shared, replies};

pub const CHAT_PATH: &str = "/v1/chat/completions";

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route(CHAT_PATH, post(chat))
        .route("/v1/models", get(models))
        .route("/v1/audio/transcriptions", post(transcription))
        .route("/v1/audio/speech", post(speech))
        .fallback(unknown)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            record_and_authorize,
        ))
        // Audio uploads in tests may be larger than axum's 2 MB default.
        .layer(DefaultBodyLimit::disable())
        .with_state(shared)
}

/// Runs until `stop` fires (or its sender is dropped), then drops the runtime, which cancels every
/// connection still open: a graceful shutdown would wait for hung and stalled replies forever.
pub fn serve(listener: TcpListener, app: Router, stop: oneshot::Receiver<()>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the fake model");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .expect("hand the fake model's listener to tokio");
        tokio::select! {
            served = axum::serve(listener, app).into_future() => {
                served.expect("the fake model's server stopped on an I/O error");
            }
            _ = stop => {}
        }
    });
}

/// An error body in OpenAI's shape.
pub fn error(status: StatusCode, message: &str, code: Option<&str>) -> Response {
    let mut error = json!({ "message": message, "type": "invalid_request_error" });
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    (status, axum::Json(json!({ "error": error }))).into_response()
}

/// Records the request before anything can answer it (so a hung request is still seen), then
/// applies the key check to every endpoint, unknown ones included.
async fn record_and_authorize(
    State(shared): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("unreadable body: {e}"),
                None,
            );
        }
    };
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_ascii_lowercase(), value)
            })
            .collect(),
        body: body.to_vec(),
    };
    let key = {
        let mut scenario = shared.lock();
        scenario.requests.push(recorded);
        scenario.key.clone()
    };
    if let Some(key) = key {
        let sent = parts
            .headers
            .get(header::AUTHORIZATION)
            .map(|v| v.as_bytes());
        if sent != Some(format!("Bearer {key}").as_bytes()) {
            return error(
                StatusCode::UNAUTHORIZED,
                "Incorrect API key provided",
                Some("invalid_api_key"),
            );
        }
    }
    next.run(Request::from_parts(parts, Body::from(body))).await
}

async fn chat(State(shared): State<Shared>, body: Bytes) -> Response {
    let request: Value = match serde_json::from_slice(&body) {
        Ok(request @ Value::Object(_)) => request,
        Ok(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "the body must be a JSON object",
                None,
            );
        }
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("invalid JSON body: {e}"),
                None,
            );
        }
    };
    let format = request
        .pointer("/response_format/type")
        .and_then(Value::as_str);
    let (queued, responder) = {
        let mut scenario = shared.lock();
        let refused = match format {
            Some("json_schema") => scenario.refuse_json_schema,
            Some("json_object") => scenario.refuse_json_object,
            _ => false,
        };
        if refused {
            let message = format!(
                "response_format {} is not supported",
                format.unwrap_or_default()
            );
            return error(StatusCode::BAD_REQUEST, &message, None);
        }
        (scenario.queue.pop_front(), scenario.responder.clone())
    };
    // The responder runs outside the lock: it is the test's code and may take its time.
    let step = queued.unwrap_or_else(|| responder(&request));
    replies::chat(step, &request).await
}

async fn models(State(shared): State<Shared>) -> Response {
    let data: Vec<Value> = shared
        .lock()
        .models
        .iter()
        .map(|id| json!({ "id": id, "object": "model", "created": 0, "owned_by": "fake" }))
        .collect();
    axum::Json(json!({ "object": "list", "data": data })).into_response()
}

async fn transcription(
    State(shared): State<Shared>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut multipart = match multipart {
        Ok(multipart) => multipart,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text(), None),
    };
    let mut file_bytes = 0;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let is_file = field.name() == Some("file");
                match field.bytes().await {
                    Ok(bytes) if is_file => file_bytes += bytes.len(),
                    Ok(_) => {}
                    Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text(), None),
                }
            }
            Ok(None) => break,
            Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text(), None),
        }
    }
    if file_bytes == 0 {
        return error(
            StatusCode::BAD_REQUEST,
            "the request has no audio: a non-empty `file` part is required",
            None,
        );
    }
    let text = shared.lock().transcript.clone();
    axum::Json(json!({ "text": text })).into_response()
}

async fn speech(body: Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if request.get("input").and_then(Value::as_str).is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "a JSON body with an `input` string is required",
            None,
        );
    }
    (
        [(header::CONTENT_TYPE, "audio/wav")],
        replies::silence_wav(),
    )
        .into_response()
}

async fn unknown(request: Request) -> Response {
    let message = format!(
        "Unknown request URL: {} {}",
        request.method(),
        request.uri().path()
    );
    error(StatusCode::NOT_FOUND, &message, Some("unknown_url"))
}
