//! `hotseat doctor`: checks, in the order a person would fix them, that each configured role can
//! do its job: the server answers, accepts the key, offers the model, and (for grading) which
//! structured-output modes it accepts; transcription and speech get a real round trip. Checks are
//! data; the command prints them.

use std::io::Cursor;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use crate::config::{Role, Secret, Settings};
use crate::llm::structured::OutputMode;
use crate::llm::{
    ChatRequest, Format, FormatMemory, ModelClient, ModelError, RetryPolicy, Timeouts, runtime,
};
use crate::scoring::model::json::extract_object;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub role: &'static str,
    pub check: &'static str,
    pub ok: bool,
    /// Voice roles are optional: typed answers work without them.
    pub optional: bool,
    pub detail: String,
    /// What to do about a failed check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Roles with no endpoint, which run offline (or are unavailable, for audio).
    pub offline: Vec<&'static str>,
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether grading and interviewing work (a voice role that fails is reported, not fatal).
    pub fn healthy(&self) -> bool {
        self.checks.iter().all(|c| c.ok || c.optional)
    }

    /// The first failed check, required ones before optional ones.
    pub fn first_fix(&self) -> Option<&Check> {
        let failed = || self.checks.iter().filter(|c| !c.ok);
        failed().find(|c| !c.optional).or_else(|| failed().next())
    }
}

/// Runs every check the settings call for. `formats` learns what each chat server accepts.
pub fn run(settings: &Settings, formats: &FormatMemory) -> Report {
    let mut report = Report {
        offline: Vec::new(),
        checks: Vec::new(),
    };
    // A short leash: doctor reports the first answer it gets rather than retrying.
    let timeouts = Timeouts {
        connect: settings.connect_timeout,
        read: settings.read_timeout.min(Duration::from_secs(60)),
    };
    let mut listed: Vec<(String, Option<Secret>, Listing)> = Vec::new();
    for role in Role::ALL {
        let Some(endpoint) = settings.endpoint(role) else {
            report.offline.push(role.name());
            continue;
        };
        let client = match ModelClient::new(&endpoint, timeouts, RetryPolicy::none()) {
            Ok(c) => c,
            Err(e) => {
                report.checks.push(failed(role, "client", &e));
                continue;
            }
        };
        // Roles usually share a server: its model list is asked for once per base URL and key.
        let known = listed
            .iter()
            .position(|(url, key, _)| *url == endpoint.base_url && *key == endpoint.api_key);
        let index = known.unwrap_or_else(|| {
            let started = Instant::now();
            let models = runtime::block_on(client.models());
            listed.push((
                endpoint.base_url.clone(),
                endpoint.api_key.clone(),
                (models, ms(started)),
            ));
            listed.len() - 1
        });
        let mut checks = Vec::new();
        runtime::block_on(check_role(
            role,
            &client,
            &listed[index].2,
            formats,
            &mut checks,
        ));
        report.checks.extend(checks);
    }
    report
}

/// A server's model list, and how long it took to come.
type Listing = (Result<Vec<String>, ModelError>, u128);

fn optional(role: Role) -> bool {
    matches!(role, Role::Transcription | Role::Speech)
}

fn passed(role: Role, check: &'static str, detail: String) -> Check {
    Check {
        role: role.name(),
        check,
        ok: true,
        optional: optional(role),
        detail,
        fix: None,
    }
}

fn failed(role: Role, check: &'static str, error: &ModelError) -> Check {
    let fix = match error {
        ModelError::Unreachable { .. } => {
            "start the server, or point --base-url / HOTSEAT_BASE_URL at one that is running"
        }
        ModelError::Timeout { .. } | ModelError::StreamStopped { .. } => {
            "the server is too slow or stalls: try a smaller model, a less busy machine, or raise read_timeout_secs"
        }
        ModelError::Auth { .. } => {
            "set the right key in OPENAI_API_KEY, HOTSEAT_API_KEY or config.toml"
        }
        ModelError::NotFound { .. } => {
            "check the base URL (it usually ends in /v1) and the model name"
        }
        ModelError::RateLimited { .. } => "wait, or use a key or plan with more capacity",
        _ => "see the detail; `hotseat doctor --json` shows every check",
    };
    Check {
        role: role.name(),
        check,
        ok: false,
        optional: optional(role),
        detail: error.to_string(),
        fix: Some(fix.to_string()),
    }
}

fn ms(since: Instant) -> u128 {
    since.elapsed().as_millis()
}

async fn check_role(
    role: Role,
    client: &ModelClient,
    (models, took): &Listing,
    formats: &FormatMemory,
    checks: &mut Vec<Check>,
) {
    match models {
        Ok(models) => {
            checks.push(passed(
                role,
                "reachable",
                format!("{} answered in {took} ms", client.url()),
            ));
            checks.push(passed(role, "key", "accepted".into()));
            if models.iter().any(|m| m == client.model()) {
                checks.push(passed(
                    role,
                    "model",
                    format!("{} is offered", client.model()),
                ));
            } else {
                let offered = if models.is_empty() {
                    "none".to_string()
                } else {
                    models.join(", ")
                };
                checks.push(Check {
                    role: role.name(),
                    check: "model",
                    ok: false,
                    optional: optional(role),
                    detail: format!(
                        "{} is not offered; the server offers: {offered}",
                        client.model()
                    ),
                    fix: Some(match role {
                        Role::Scoring | Role::Interviewer => format!(
                            "choose one of those with --model, HOTSEAT_MODEL or HOTSEAT_{}_MODEL",
                            role.name().to_uppercase()
                        ),
                        _ => format!(
                            "choose one with HOTSEAT_{0}_MODEL (or [{1}] model in config.toml), or point HOTSEAT_{0}_BASE_URL at a server that has one",
                            role.name().to_uppercase(),
                            role.name()
                        ),
                    }),
                });
                return;
            }
        }
        // Some servers have no model list: the role's own check below still says whether it works.
        Err(ModelError::NotFound { .. }) => checks.push(passed(
            role,
            "reachable",
            format!("{} answered (it has no model list)", client.url()),
        )),
        Err(e) => {
            checks.push(failed(role, "reachable", e));
            return;
        }
    }
    match role {
        Role::Scoring => check_formats(client, formats, checks).await,
        Role::Interviewer => check_stream(client, checks).await,
        Role::Transcription => check_transcription(client, checks).await,
        Role::Speech => check_speech(client, checks).await,
    }
}

async fn check_formats(client: &ModelClient, formats: &FormatMemory, checks: &mut Vec<Check>) {
    let schema = json!({
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
        "required": ["ok"],
        "additionalProperties": false
    });
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for mode in OutputMode::ALL {
        let request = ChatRequest {
            system: "You check that a connection works. Reply with JSON only.".into(),
            user: "Reply with the JSON object {\"ok\": true} and nothing else.".into(),
            temperature: 0.0,
            max_tokens: Some(20),
            format: mode.format("hotseat_check", &schema),
        };
        match client.chat(&request).await {
            Ok(reply) if extract_object(&reply.text).is_ok() => accepted.push(mode),
            Ok(_) => refused.push(format!("{} (the reply held no JSON)", mode.name())),
            Err(e) if e.refuses_format() => refused.push(format!("{} (refused)", mode.name())),
            Err(e) => {
                checks.push(failed(Role::Scoring, "structured output", &e));
                return;
            }
        }
    }
    match accepted.first() {
        Some(&best) => {
            formats.remember(client.url(), client.model(), best);
            let names: Vec<&str> = accepted.iter().map(|m| m.name()).collect();
            let mut detail = format!(
                "accepts {}; grading will use {}",
                names.join(", "),
                best.name()
            );
            if !refused.is_empty() {
                detail.push_str(&format!("; not {}", refused.join(", ")));
            }
            checks.push(passed(Role::Scoring, "structured output", detail));
        }
        None => checks.push(Check {
            role: Role::Scoring.name(),
            check: "structured output",
            ok: false,
            optional: false,
            detail: format!("no mode gave JSON: {}", refused.join(", ")),
            fix: Some(
                "use a model that can follow a JSON format (a larger or instruction-tuned one)"
                    .into(),
            ),
        }),
    }
}

async fn check_stream(client: &ModelClient, checks: &mut Vec<Check>) {
    let request = ChatRequest {
        system: "You are an interviewer checking the line works.".into(),
        user: "Ask one short question.".into(),
        temperature: 0.2,
        max_tokens: Some(40),
        format: Format::Text,
    };
    let started = Instant::now();
    let mut first = None;
    let mut on_text = |_: &str| {
        first.get_or_insert_with(|| started.elapsed());
    };
    match client.chat_stream(&request, &mut on_text).await {
        Ok(_) => checks.push(passed(
            Role::Interviewer,
            "streaming",
            match first {
                Some(t) => format!("first words after {} ms", t.as_millis()),
                None => "the stream worked but carried no text".into(),
            },
        )),
        Err(e) => checks.push(failed(Role::Interviewer, "streaming", &e)),
    }
}

/// Half a second of a quiet tone, as a 16 kHz mono WAV: enough for a server to accept and decode.
fn probe_wav() -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = Cursor::new(Vec::new());
    if let Ok(mut writer) = hound::WavWriter::new(&mut bytes, spec) {
        for n in 0..8_000 {
            let t = n as f32 / 16_000.0;
            let sample = (t * 440.0 * std::f32::consts::TAU).sin() * 2_000.0;
            let _ = writer.write_sample(sample as i16);
        }
        let _ = writer.finalize();
    }
    bytes.into_inner()
}

async fn check_transcription(client: &ModelClient, checks: &mut Vec<Check>) {
    let started = Instant::now();
    match client.transcribe(probe_wav()).await {
        Ok(_) => checks.push(passed(
            Role::Transcription,
            "transcribe",
            format!("a short WAV came back as text in {} ms", ms(started)),
        )),
        Err(e) => checks.push(failed(Role::Transcription, "transcribe", &e)),
    }
}

async fn check_speech(client: &ModelClient, checks: &mut Vec<Check>) {
    let started = Instant::now();
    match client
        .speak("Tell me about a system you designed.", "alloy")
        .await
    {
        Ok(audio) => checks.push(passed(
            Role::Speech,
            "speak",
            format!("{} bytes of audio in {} ms", audio.len(), ms(started)),
        )),
        Err(e) => checks.push(failed(Role::Speech, "speak", &e)),
    }
}
