//! hotseat's model client pointed at a test server, with the timeouts and retries a test wants.
#![allow(dead_code)]

use std::time::Duration;

use hotseat::config::{Endpoint, Secret};
use hotseat::llm::{ModelClient, RetryPolicy, Timeouts};

/// Retries that wait milliseconds, not seconds (a server's own `Retry-After` still counts).
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        retries: 3,
        base: Duration::from_millis(20),
        cap: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(5),
    }
}

/// A client for `model` at `url`: one second to connect, `read` for the server's silences.
pub fn client(
    url: &str,
    model: &str,
    key: Option<&str>,
    read: Duration,
    policy: RetryPolicy,
) -> ModelClient {
    let endpoint = Endpoint {
        base_url: url.to_string(),
        api_key: key.map(Secret::new),
        model: model.to_string(),
    };
    let timeouts = Timeouts {
        connect: Duration::from_secs(1),
        read,
    };
    ModelClient::new(&endpoint, timeouts, policy).expect("a client")
}

/// The base URL of an endpoint that is down: a port that was free a moment ago, where nothing
/// listens.
pub fn down_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    format!("http://127.0.0.1:{port}/v1")
}
