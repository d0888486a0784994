//! The HTTP layer under async-openai: sends each request with reqwest, retries what is worth
//! retrying under one `RetryPolicy` (honouring `Retry-After`, also on 429s whose body is plain
//! text), and turns any response that is not a success into an `HttpFailure` that keeps the status,
//! so that nothing downstream has to parse an error body to learn what happened.

use std::time::{Duration, SystemTime};

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use futures::future::BoxFuture;
use reqwest::Response;
use reqwest::header::RETRY_AFTER;

use super::retry::{RetryPolicy, parse_retry_after, retryable_status};

/// A response that was not a success, after every retry the policy allows.
#[derive(Debug, Clone, thiserror::Error)]
#[error("HTTP {status}: {body}")]
pub struct HttpFailure {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: String,
}

#[derive(Clone)]
pub struct Transport {
    client: reqwest::Client,
    policy: RetryPolicy,
}

impl Transport {
    pub fn new(client: reqwest::Client, policy: RetryPolicy) -> Self {
        Transport { client, policy }
    }
}

impl tower::Service<HttpRequestFactory> for Transport {
    type Response = Response;
    type Error = OpenAIError;
    type Future = BoxFuture<'static, Result<Response, OpenAIError>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let (client, policy) = (self.client.clone(), self.policy);
        Box::pin(async move {
            let mut retry = 0;
            loop {
                let request = factory.build().await?;
                let wait = match client.execute(request).await {
                    Ok(response) if response.status().is_success() => return Ok(response),
                    Ok(response) => {
                        let failure = failure(response).await;
                        match retryable_status(failure.status, &failure.body)
                            .then(|| policy.wait(retry, failure.retry_after))
                            .flatten()
                        {
                            Some(wait) => wait,
                            None => return Err(OpenAIError::Boxed(Box::new(failure))),
                        }
                    }
                    // A refused connection may be a server still starting; a timeout is not
                    // retried, since the candidate has already waited the whole timeout once.
                    Err(e) if e.is_connect() && !e.is_timeout() => match policy.wait(retry, None) {
                        Some(wait) => wait,
                        None => return Err(OpenAIError::Reqwest(e)),
                    },
                    Err(e) => return Err(OpenAIError::Reqwest(e)),
                };
                tokio::time::sleep(wait).await;
                retry += 1;
            }
        })
    }
}

async fn failure(response: Response) -> HttpFailure {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    let body = response.text().await.unwrap_or_default();
    HttpFailure {
        status,
        retry_after,
        body,
    }
}
