//! What can go wrong talking to a model endpoint, sorted by what the candidate can do about it.
//! Each error has a short flag for transcripts (`model-timeout`, …) and a one-sentence message that
//! never contains the API key.

use std::time::Duration;

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    #[error("could not reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} did not answer within {} s", after.as_secs_f32().round())]
    Timeout { url: String, after: Duration },
    #[error("{url} refused the API key (HTTP {status})")]
    Auth { url: String, status: u16 },
    #[error("{url} does not know {what} (HTTP 404)")]
    NotFound { url: String, what: String },
    #[error("{url} is rate-limiting requests (HTTP 429){}", retry_after.map(|d| format!(" and asked to wait {} s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        url: String,
        retry_after: Option<Duration>,
    },
    #[error("{url} failed with HTTP {status}: {message}")]
    Server {
        url: String,
        status: u16,
        message: String,
    },
    #[error("{url} rejected the request (HTTP {status}): {message}")]
    Rejected {
        url: String,
        status: u16,
        message: String,
    },
    #[error("the reply from {url} could not be used: {reason}")]
    BadReply { url: String, reason: String },
    #[error("the reply from {url} was cut off at its length limit")]
    Truncated { url: String },
    #[error("the reply from {url} stopped half-way: {reason}")]
    StreamStopped { url: String, reason: String },
    #[error("the request was cancelled")]
    Cancelled,
}

impl ModelError {
    /// The marker recorded in a score's `flags` when this error sent grading back to the offline
    /// estimate.
    pub fn flag(&self) -> &'static str {
        match self {
            ModelError::Unreachable { .. } => "model-unreachable",
            ModelError::Timeout { .. } => "model-timeout",
            ModelError::Auth { .. } => "model-auth",
            ModelError::NotFound { .. } => "model-not-found",
            ModelError::RateLimited { .. } => "model-rate-limited",
            ModelError::Server { .. } => "model-server-error",
            ModelError::Rejected { .. } => "model-rejected",
            ModelError::BadReply { .. } => "model-bad-reply",
            ModelError::Truncated { .. } => "model-truncated",
            ModelError::StreamStopped { .. } => "model-stream-stopped",
            ModelError::Cancelled => "model-cancelled",
        }
    }

    /// Whether a request that differs only in its `response_format` might succeed: the server
    /// refused the request as malformed, or failed with a message about the output format (some
    /// servers answer an unsupported format with a 500).
    pub fn refuses_format(&self) -> bool {
        match self {
            // A prompt too long for the server's context fails the same way in every mode.
            ModelError::Rejected {
                status, message, ..
            } => matches!(status, 400 | 422) && !message.to_ascii_lowercase().contains("context"),
            ModelError::Server { message, .. } => {
                let m = message.to_ascii_lowercase();
                ["response_format", "json_schema", "json_object", "grammar"]
                    .iter()
                    .any(|w| m.contains(w))
            }
            _ => false,
        }
    }
}

/// Keeps a server's message short and free of the key (some servers echo part of it back).
pub fn clean_message(message: &str, key: Option<&str>) -> String {
    let mut text = message.trim().to_string();
    if let Some(key) = key.filter(|k| k.len() >= 4) {
        text = text.replace(key, "[key]");
    }
    // A JSON error body: keep its message.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        let inner = v
            .pointer("/error/message")
            .or_else(|| v.get("message"))
            .or_else(|| v.get("error"))
            .and_then(|m| m.as_str());
        if let Some(inner) = inner {
            text = inner.trim().to_string();
        }
    }
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_the_server_s_words_but_never_the_key() {
        let body = r#"{"error":{"message":"Incorrect API key provided: sk-secret-123","type":"invalid_request_error"}}"#;
        assert_eq!(
            clean_message(body, Some("sk-secret-123")),
            "Incorrect API key provided: [key]"
        );
        assert_eq!(
            clean_message("  Too many\nrequests  ", None),
            "Too many requests"
        );
        assert!(clean_message(&"x".repeat(500), None).chars().count() <= 201);
    }

    #[test]
    fn a_format_refusal_is_told_apart_from_other_failures() {
        let url = "http://h/v1".to_string();
        assert!(
            ModelError::Rejected {
                url: url.clone(),
                status: 400,
                message: "bad".into()
            }
            .refuses_format()
        );
        assert!(
            ModelError::Server {
                url: url.clone(),
                status: 500,
                message: "Input should be 'text' or 'json_object' (response_format.type)".into()
            }
            .refuses_format()
        );
        assert!(
            !ModelError::Server {
                url: url.clone(),
                status: 503,
                message: "overloaded".into()
            }
            .refuses_format()
        );
        assert!(!ModelError::Auth { url, status: 401 }.refuses_format());
    }
}
