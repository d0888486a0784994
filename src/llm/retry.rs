//! When to try a request again and how long to wait first. One policy for every call: async-openai's
//! own retries are replaced (they miss 429s with a plain-text body), so this is the only place that
//! decides. Pure functions of status, headers and attempt number, so they are tested without a server.

use std::time::{Duration, SystemTime};

/// How many times to retry and how long to wait between tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first wait when the server does not say how long; doubled on each retry.
    pub base: Duration,
    /// The longest computed wait.
    pub cap: Duration,
    /// The longest `Retry-After` worth waiting for. A server asking for more is not retried: the
    /// answer is kept and graded later rather than holding the candidate up.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 3,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all (used by `doctor`, which reports the first answer it gets).
    pub fn none() -> Self {
        RetryPolicy {
            retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// How long to wait before retry number `retry` (0 for the first retry), or `None` to stop.
    /// `retry_after` is what the server asked for, if anything.
    pub fn wait(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if retry >= self.retries {
            return None;
        }
        match retry_after {
            Some(asked) if asked > self.max_retry_after => None,
            Some(asked) => Some(asked),
            None => Some(
                self.base
                    .saturating_mul(2u32.saturating_pow(retry))
                    .min(self.cap),
            ),
        }
    }
}

/// Whether a response with this status is worth trying again: overload, rate limits and
/// gateway trouble. `body` rules out the 429s that waiting cannot fix (an exhausted quota).
pub fn retryable_status(status: u16, body: &str) -> bool {
    match status {
        429 => !body.contains("insufficient_quota"),
        408 | 500 | 502 | 503 | 504 => true,
        _ => false,
    }
}

/// Reads a `Retry-After` value: seconds (fractions allowed, as some gateways send) or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(at.with_timezone(&chrono::Utc));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_and_stop_after_the_last_retry() {
        let p = RetryPolicy::default();
        let waits: Vec<_> = (0..4).map(|n| p.wait(n, None)).collect();
        assert_eq!(
            waits,
            [
                Some(Duration::from_millis(500)),
                Some(Duration::from_secs(1)),
                Some(Duration::from_secs(2)),
                None
            ]
        );
        let capped = RetryPolicy { retries: 10, ..p };
        assert_eq!(capped.wait(9, None), Some(Duration::from_secs(8)));
        assert_eq!(RetryPolicy::none().wait(0, None), None);
    }

    #[test]
    fn the_server_s_retry_after_wins_unless_it_is_too_long() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.wait(0, Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(p.wait(0, Some(Duration::from_secs(31))), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after(" 0.5 ", now),
            Some(Duration::from_millis(500))
        );
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        assert!(retryable_status(429, "Too many requests, slow down"));
        assert!(!retryable_status(
            429,
            r#"{"error":{"code":"insufficient_quota"}}"#
        ));
        assert!(retryable_status(503, ""));
        for status in [400, 401, 403, 404, 422] {
            assert!(!retryable_status(status, ""), "{status}");
        }
    }
}
