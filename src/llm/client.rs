//! One model endpoint, spoken to through async-openai: chat (whole or streamed), the model list,
//! transcription and speech. Requests and replies go through as JSON values rather than
//! async-openai's typed structs, because servers differ: many leave out `id`, `object`, `created`
//! or `usage`, some send content as a list of parts, reasoning models add `reasoning_content`.
//! Every call has a deadline; every failure comes back as a `ModelError`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use futures::StreamExt;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::error::{ModelError, clean_message};
use super::reasoning::{ThinkFilter, strip};
use super::retry::RetryPolicy;
use super::transport::{HttpFailure, Transport};
use crate::config::{Endpoint, Secret};

/// How long to wait for a connection and for the server to send something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// Longest silence from the server: before the reply starts, and between streamed chunks.
    pub read: Duration,
}

/// The shape the reply must take.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    Text,
    /// `response_format: json_schema`, the schema enforced by the server.
    JsonSchema {
        name: String,
        schema: Value,
    },
    /// `response_format: json_object`: any JSON object.
    JsonObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub system: String,
    pub user: String,
    pub temperature: f32,
    /// The longest reply wanted. Small local models in JSON mode can pad with white space until
    /// the context is full; a cap ends that.
    pub max_tokens: Option<u32>,
    pub format: Format,
}

/// A reply, reasoning removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    /// `stop`, `length`, …, when the server says.
    pub finish_reason: Option<String>,
}

impl Completion {
    pub fn truncated(&self) -> bool {
        self.finish_reason.as_deref() == Some("length")
    }
}

pub struct ModelClient {
    client: Client<OpenAIConfig>,
    url: String,
    model: String,
    key: Option<Secret>,
    timeouts: Timeouts,
    /// Set once the server has refused `max_tokens` by name (newer OpenAI models want
    /// `max_completion_tokens`).
    completion_tokens: AtomicBool,
    /// Set once the server has refused a temperature (reasoning models accept only their own).
    fixed_temperature: AtomicBool,
}

impl ModelClient {
    pub fn new(
        endpoint: &Endpoint,
        timeouts: Timeouts,
        policy: RetryPolicy,
    ) -> Result<ModelClient, ModelError> {
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.read)
            .build()
            .map_err(|e| ModelError::Unreachable {
                url: endpoint.base_url.clone(),
                reason: format!("the HTTP client could not start: {e}"),
            })?;
        // async-openai sends `Authorization: Bearer` only when there is a key; a local server
        // needs none, so an empty key is left empty rather than invented.
        let config = OpenAIConfig::new()
            .with_api_base(&endpoint.base_url)
            .with_api_key(endpoint.api_key.as_ref().map_or("", Secret::expose));
        let client = Client::with_config(config).with_http_service(Transport::new(http, policy));
        Ok(ModelClient {
            client,
            url: endpoint.base_url.clone(),
            model: endpoint.model.clone(),
            key: endpoint.api_key.clone(),
            timeouts,
            completion_tokens: AtomicBool::new(false),
            fixed_temperature: AtomicBool::new(false),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    fn body(&self, request: &ChatRequest, stream: bool) -> Value {
        let mut body = json!({
            "model": self.model,
            "messages": [
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.user},
            ],
            "stream": stream,
        });
        if !self.fixed_temperature.load(Ordering::Relaxed) {
            body["temperature"] = json!(request.temperature);
        }
        if let Some(max) = request.max_tokens {
            let name = if self.completion_tokens.load(Ordering::Relaxed) {
                "max_completion_tokens"
            } else {
                "max_tokens"
            };
            body[name] = json!(max);
        }
        match &request.format {
            Format::Text => {}
            Format::JsonSchema { name, schema } => {
                body["response_format"] = json!({
                    "type": "json_schema",
                    "json_schema": {"name": name, "strict": true, "schema": schema},
                });
            }
            Format::JsonObject => body["response_format"] = json!({"type": "json_object"}),
        }
        body
    }

    /// The whole reply at once.
    pub async fn chat(&self, request: &ChatRequest) -> Result<Completion, ModelError> {
        loop {
            match self.chat_once(request).await {
                Err(e) if self.adapt(request, &e) => continue,
                other => return other,
            }
        }
    }

    /// Whether the server refused one of the optional parameters by name, in which case it is
    /// adapted for this and every later request: `max_tokens` becomes `max_completion_tokens`, a
    /// refused temperature is left out. Each adaptation happens once, so the caller's retry ends.
    fn adapt(&self, request: &ChatRequest, error: &ModelError) -> bool {
        let ModelError::Rejected { message, .. } = error else {
            return false;
        };
        if message.contains("max_tokens") && request.max_tokens.is_some() {
            return !self.completion_tokens.swap(true, Ordering::Relaxed);
        }
        if message.contains("temperature") {
            return !self.fixed_temperature.swap(true, Ordering::Relaxed);
        }
        false
    }

    async fn chat_once(&self, request: &ChatRequest) -> Result<Completion, ModelError> {
        let body = self.body(request, false);
        let reply = self
            .deadline(self.client.chat().create_byot::<Value, Value>(body))
            .await?
            .map_err(|e| self.error(e))?;
        self.completion(&reply)
    }

    /// The reply as it is written: `on_text` gets each new piece of visible text (reasoning
    /// removed). A stream that ends without the server saying it is finished is an error, and so
    /// is a silence longer than the read timeout.
    pub async fn chat_stream(
        &self,
        request: &ChatRequest,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Completion, ModelError> {
        loop {
            match self.stream_once(request, on_text).await {
                Err(e) if self.adapt(request, &e) => continue,
                other => return other,
            }
        }
    }

    async fn stream_once(
        &self,
        request: &ChatRequest,
        on_text: &mut (dyn FnMut(&str) + Send),
    ) -> Result<Completion, ModelError> {
        let body = self.body(request, true);
        let mut stream = self
            .deadline(self.client.chat().create_stream_byot::<Value, Value>(body))
            .await?
            .map_err(|e| self.error(e))?;
        let (mut filter, mut text, mut finish_reason) =
            (ThinkFilter::default(), String::new(), None);
        loop {
            let chunk = match tokio::time::timeout(self.timeouts.read, stream.next()).await {
                Err(_) => {
                    return Err(ModelError::StreamStopped {
                        url: self.url.clone(),
                        reason: format!(
                            "nothing arrived for {} s",
                            self.timeouts.read.as_secs_f32().round()
                        ),
                    });
                }
                Ok(None) => break,
                Ok(Some(chunk)) => chunk.map_err(|e| self.error(e))?,
            };
            if let Some(error) = chunk.get("error") {
                return Err(self.reply_error(error));
            }
            let Some(choice) = chunk.pointer("/choices/0") else {
                continue; // a usage-only chunk
            };
            if let Some(piece) = choice.pointer("/delta/content").and_then(content_text) {
                let visible = filter.push(&piece);
                if !visible.is_empty() {
                    on_text(&visible);
                    text.push_str(&visible);
                }
            }
            if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
                finish_reason = Some(reason.to_string());
            }
        }
        let rest = filter.finish();
        if !rest.is_empty() {
            on_text(&rest);
            text.push_str(&rest);
        }
        if finish_reason.is_none() {
            return Err(ModelError::StreamStopped {
                url: self.url.clone(),
                reason: "the stream ended before the reply was finished".into(),
            });
        }
        Ok(Completion {
            text,
            finish_reason,
        })
    }

    /// The ids of the models the server offers.
    pub async fn models(&self) -> Result<Vec<String>, ModelError> {
        let reply = self
            .deadline(self.client.models().list_byot::<Value>())
            .await?
            .map_err(|e| self.error(e))?;
        let data = reply
            .get("data")
            .or_else(|| reply.get("models"))
            .and_then(Value::as_array)
            .ok_or_else(|| self.bad_reply("the model list has no `data`"))?;
        Ok(data
            .iter()
            .filter_map(|m| m.get("id").or_else(|| m.get("name"))?.as_str())
            .map(String::from)
            .collect())
    }

    /// Speech to text, from a WAV file's bytes.
    pub async fn transcribe(&self, wav: Vec<u8>) -> Result<String, ModelError> {
        use async_openai::types::audio::{AudioInput, CreateTranscriptionRequestArgs};
        let request = CreateTranscriptionRequestArgs::default()
            .file(AudioInput::from_vec_u8("answer.wav".into(), wav))
            .model(&self.model)
            .build()
            .map_err(|e| self.bad_reply(&e.to_string()))?;
        let bytes = self
            .deadline(self.client.audio().transcription().create_raw(request))
            .await?
            .map_err(|e| self.error(e))?;
        // Servers answer `{"text": …}` with or without other fields, or the bare text.
        let body = String::from_utf8_lossy(&bytes);
        Ok(match serde_json::from_str::<Value>(&body) {
            Ok(v) => v
                .get("text")
                .and_then(Value::as_str)
                .ok_or_else(|| self.bad_reply("the transcription has no `text`"))?
                .trim()
                .to_string(),
            Err(_) => body.trim().to_string(),
        })
    }

    /// Text to speech: the audio bytes the server sends (WAV asked for).
    pub async fn speak(&self, text: &str, voice: &str) -> Result<Vec<u8>, ModelError> {
        use async_openai::types::audio::{
            CreateSpeechRequestArgs, SpeechModel, SpeechResponseFormat, Voice,
        };
        let request = CreateSpeechRequestArgs::default()
            .input(text)
            .model(SpeechModel::Other(self.model.clone()))
            .voice(Voice::Other(voice.to_string()))
            .response_format(SpeechResponseFormat::Wav)
            .build()
            .map_err(|e| self.bad_reply(&e.to_string()))?;
        let reply = self
            .deadline(self.client.audio().speech().create(request))
            .await?
            .map_err(|e| self.error(e))?;
        if reply.bytes.is_empty() {
            return Err(self.bad_reply("the speech reply is empty"));
        }
        Ok(reply.bytes.to_vec())
    }

    /// Runs a call under an overall deadline, a backstop for servers that trickle bytes forever
    /// (the read timeout only catches silence).
    async fn deadline<T>(&self, call: impl Future<Output = T>) -> Result<T, ModelError> {
        let limit = self.timeouts.read + self.timeouts.read / 2 + Duration::from_secs(30);
        tokio::time::timeout(limit, call)
            .await
            .map_err(|_| ModelError::Timeout {
                url: self.url.clone(),
                after: limit,
            })
    }

    fn completion(&self, reply: &Value) -> Result<Completion, ModelError> {
        if let Some(error) = reply.get("error") {
            return Err(self.reply_error(error));
        }
        let choice = reply
            .pointer("/choices/0")
            .ok_or_else(|| self.bad_reply("the reply has no choices"))?;
        let message = choice
            .get("message")
            .ok_or_else(|| self.bad_reply("the reply has no message"))?;
        let text = message
            .get("content")
            .and_then(content_text)
            .unwrap_or_default();
        Ok(Completion {
            text: strip(&text),
            finish_reason: choice
                .get("finish_reason")
                .and_then(Value::as_str)
                .map(String::from),
        })
    }

    fn bad_reply(&self, reason: &str) -> ModelError {
        ModelError::BadReply {
            url: self.url.clone(),
            reason: reason.to_string(),
        }
    }

    /// An `error` object inside a 200 reply or a stream.
    fn reply_error(&self, error: &Value) -> ModelError {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .map(String::from)
            .unwrap_or_else(|| error.to_string());
        ModelError::Server {
            url: self.url.clone(),
            status: 200,
            message: self.clean(&message),
        }
    }

    fn clean(&self, message: &str) -> String {
        clean_message(message, self.key.as_ref().map(Secret::expose))
    }

    fn error(&self, error: OpenAIError) -> ModelError {
        let url = self.url.clone();
        match error {
            OpenAIError::Boxed(boxed) => match boxed.downcast::<HttpFailure>() {
                Ok(failure) => self.http_error(*failure),
                Err(other) => ModelError::Unreachable {
                    url,
                    reason: self.clean(&other.to_string()),
                },
            },
            OpenAIError::ApiError(api) => self.http_error(HttpFailure {
                status: api.status_code.as_u16(),
                retry_after: None,
                body: api.api_error.message,
            }),
            OpenAIError::Reqwest(e) if e.is_timeout() => ModelError::Timeout {
                url,
                after: if e.is_connect() {
                    self.timeouts.connect
                } else {
                    self.timeouts.read
                },
            },
            OpenAIError::Reqwest(e) if e.is_connect() => ModelError::Unreachable {
                url,
                reason: "the connection was refused or the host is unknown".into(),
            },
            OpenAIError::Reqwest(e) => ModelError::StreamStopped {
                url,
                reason: self.clean(&e.to_string()),
            },
            OpenAIError::JSONDeserialize(_, content) => ModelError::BadReply {
                url,
                reason: format!("it is not JSON: {}", self.clean(&content)),
            },
            OpenAIError::StreamError(e) => ModelError::StreamStopped {
                url,
                reason: self.clean(&e.to_string()),
            },
            other => ModelError::BadReply {
                url,
                reason: self.clean(&other.to_string()),
            },
        }
    }

    fn http_error(&self, failure: HttpFailure) -> ModelError {
        let url = self.url.clone();
        let message = self.clean(&failure.body);
        match failure.status {
            401 | 403 => ModelError::Auth {
                url,
                status: failure.status,
            },
            404 => ModelError::NotFound {
                url,
                what: if message.is_empty() {
                    format!("the model {} or this API path", self.model)
                } else {
                    format!("the model {} or this API path ({message})", self.model)
                },
            },
            429 => ModelError::RateLimited {
                url,
                retry_after: failure.retry_after,
            },
            status @ 500..=599 => ModelError::Server {
                url,
                status,
                message,
            },
            status => ModelError::Rejected {
                url,
                status,
                message,
            },
        }
    }
}

/// Message content as text: a string, or a list of parts whose text is joined.
fn content_text(content: &Value) -> Option<String> {
    match content {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str).or_else(|| p.as_str()))
                .collect(),
        ),
        _ => None,
    }
}

/// Streams a reply from a synchronous thread: `progress` gets the whole visible text so far each
/// time it grows, so a screen can show it as it is written. `cancel` calls it off.
pub fn stream_blocking(
    client: &ModelClient,
    request: &ChatRequest,
    progress: &mut (dyn FnMut(&str) + Send),
    cancel: &CancellationToken,
) -> Result<Completion, ModelError> {
    let mut written = String::new();
    let mut on_text = |piece: &str| {
        written.push_str(piece);
        progress(written.trim_start());
    };
    super::runtime::block_on(cancellable(
        cancel,
        client.chat_stream(request, &mut on_text),
    ))
}

/// Runs `call` unless `cancel` fires first.
pub async fn cancellable<T>(
    cancel: &CancellationToken,
    call: impl Future<Output = Result<T, ModelError>>,
) -> Result<T, ModelError> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(ModelError::Cancelled),
        result = call => result,
    }
}
