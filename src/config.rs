//! Settings for talking to a model endpoint, in layers: built-in defaults, the config file
//! (`config.toml` in the config directory), the standard `OPENAI_BASE_URL` / `OPENAI_API_KEY`,
//! `HOTSEAT_*` variables, then flags. Each role (scoring, interviewer, transcription, speech) has
//! its own model and may have its own base URL and key. The API key is a `Secret`: it never prints.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

/// Where a key with no base URL is sent.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

/// A value that must never reach a transcript, a log, an error message or `--json` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Scoring,
    Interviewer,
    Transcription,
    Speech,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Scoring,
        Role::Interviewer,
        Role::Transcription,
        Role::Speech,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Scoring => "scoring",
            Role::Interviewer => "interviewer",
            Role::Transcription => "transcription",
            Role::Speech => "speech",
        }
    }

    fn default_model(self) -> &'static str {
        match self {
            Role::Scoring | Role::Interviewer => "gpt-4o-mini",
            Role::Transcription => "whisper-1",
            Role::Speech => "tts-1",
        }
    }

    fn env_prefix(self) -> String {
        format!("HOTSEAT_{}_", self.name().to_uppercase())
    }
}

/// What a role talks to, once every layer is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub base_url: String,
    pub api_key: Option<Secret>,
    pub model: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct RoleSettings {
    model: Option<String>,
    base_url: Option<String>,
    api_key: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub offline: bool,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// How many answers may be graded at once.
    pub concurrency: usize,
    base_url: Option<String>,
    api_key: Option<Secret>,
    roles: BTreeMap<Role, RoleSettings>,
}

/// What the command line says; it wins over everything else.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub base_url: Option<String>,
    /// The model for scoring and interviewing.
    pub model: Option<String>,
    pub offline: bool,
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{}:{line}: {message}", file.display())]
    File {
        file: PathBuf,
        line: usize,
        message: String,
    },
    #[error("could not read {}: {source}", file.display())]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{name} is {value:?}, which is not {expected}")]
    Variable {
        name: String,
        value: String,
        expected: &'static str,
    },
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    base_url: Option<String>,
    api_key: Option<String>,
    offline: Option<bool>,
    connect_timeout_secs: Option<u64>,
    read_timeout_secs: Option<u64>,
    concurrency: Option<usize>,
    scoring: Option<FileRole>,
    interviewer: Option<FileRole>,
    transcription: Option<FileRole>,
    speech: Option<FileRole>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileRole {
    model: Option<String>,
    base_url: Option<String>,
    api_key: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            offline: false,
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(120),
            concurrency: 4,
            base_url: None,
            api_key: None,
            roles: Role::ALL
                .into_iter()
                .map(|r| (r, RoleSettings::default()))
                .collect(),
        }
    }
}

/// Keeps empty strings from counting as set (`OPENAI_API_KEY=` is "no key").
fn present(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Settings {
    /// Applies every layer. `file` is the config file (missing is fine); `env` reads a variable.
    pub fn load(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        flags: &Flags,
    ) -> Result<Settings, ConfigError> {
        let mut s = Settings::default();
        if let Some(path) = file.filter(|p| p.exists()) {
            s.apply_file(path)?;
        }
        let var = |name: &str| present(env(name));
        // The standard variables, below hotseat's own.
        if let Some(url) = var("OPENAI_BASE_URL") {
            s.base_url = Some(url);
        }
        if let Some(key) = var("OPENAI_API_KEY") {
            s.api_key = Some(Secret::new(key));
        }
        if let Some(url) = var("HOTSEAT_BASE_URL") {
            s.base_url = Some(url);
        }
        if let Some(key) = var("HOTSEAT_API_KEY") {
            s.api_key = Some(Secret::new(key));
        }
        if let Some(model) = var("HOTSEAT_MODEL") {
            for role in [Role::Scoring, Role::Interviewer] {
                s.role_mut(role).model = Some(model.clone());
            }
        }
        for role in Role::ALL {
            let prefix = role.env_prefix();
            let r = s.role_mut(role);
            if let Some(model) = var(&format!("{prefix}MODEL")) {
                r.model = Some(model);
            }
            if let Some(url) = var(&format!("{prefix}BASE_URL")) {
                r.base_url = Some(url);
            }
            if let Some(key) = var(&format!("{prefix}API_KEY")) {
                r.api_key = Some(Secret::new(key));
            }
        }
        if let Some(v) = var("HOTSEAT_OFFLINE") {
            s.offline = parse_bool("HOTSEAT_OFFLINE", &v)?;
        }
        for (name, slot) in [
            ("HOTSEAT_CONNECT_TIMEOUT", &mut s.connect_timeout),
            ("HOTSEAT_READ_TIMEOUT", &mut s.read_timeout),
        ] {
            if let Some(v) = var(name) {
                let secs: u64 = v.parse().map_err(|_| ConfigError::Variable {
                    name: name.into(),
                    value: v.clone(),
                    expected: "a whole number of seconds",
                })?;
                *slot = Duration::from_secs(secs);
            }
        }
        if let Some(v) = var("HOTSEAT_CONCURRENCY") {
            s.concurrency =
                v.parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ConfigError::Variable {
                        name: "HOTSEAT_CONCURRENCY".into(),
                        value: v.clone(),
                        expected: "a whole number above 0",
                    })?;
        }
        if let Some(url) = present(flags.base_url.clone()) {
            s.base_url = Some(url);
        }
        if let Some(model) = present(flags.model.clone()) {
            for role in [Role::Scoring, Role::Interviewer] {
                s.role_mut(role).model = Some(model.clone());
            }
        }
        s.offline |= flags.offline;
        Ok(s)
    }

    fn role_mut(&mut self, role: Role) -> &mut RoleSettings {
        self.roles.entry(role).or_default()
    }

    fn apply_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            file: path.into(),
            source,
        })?;
        let file: FileSettings = toml::from_str(&text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            ConfigError::File {
                file: path.into(),
                line: text.as_bytes()[..offset]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1,
                message: e.message().trim().to_string(),
            }
        })?;
        self.base_url = present(file.base_url).or(self.base_url.take());
        self.api_key = present(file.api_key)
            .map(Secret::new)
            .or(self.api_key.take());
        self.offline = file.offline.unwrap_or(self.offline);
        if let Some(secs) = file.connect_timeout_secs {
            self.connect_timeout = Duration::from_secs(secs);
        }
        if let Some(secs) = file.read_timeout_secs {
            self.read_timeout = Duration::from_secs(secs);
        }
        if let Some(n) = file.concurrency {
            self.concurrency = n.max(1);
        }
        for (role, section) in [
            (Role::Scoring, file.scoring),
            (Role::Interviewer, file.interviewer),
            (Role::Transcription, file.transcription),
            (Role::Speech, file.speech),
        ] {
            let Some(section) = section else { continue };
            let r = self.role_mut(role);
            r.model = present(section.model).or(r.model.take());
            r.base_url = present(section.base_url).or(r.base_url.take());
            r.api_key = present(section.api_key)
                .map(Secret::new)
                .or(r.api_key.take());
        }
        Ok(())
    }

    /// What `role` talks to, or `None` when hotseat is offline: `--offline`, or no base URL and
    /// no key anywhere. A key without a base URL goes to OpenAI.
    pub fn endpoint(&self, role: Role) -> Option<Endpoint> {
        if self.offline {
            return None;
        }
        let r = self.roles.get(&role).cloned().unwrap_or_default();
        let api_key = r.api_key.or_else(|| self.api_key.clone());
        let base_url = r
            .base_url
            .or_else(|| self.base_url.clone())
            .or_else(|| api_key.as_ref().map(|_| OPENAI_BASE_URL.to_string()))?;
        Some(Endpoint {
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            model: r.model.unwrap_or_else(|| role.default_model().to_string()),
        })
    }
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Variable {
            name: name.into(),
            value: value.into(),
            expected: "true or false",
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(
        file: Option<&str>,
        vars: &[(&str, &str)],
        flags: Flags,
    ) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).expect("write");
        }
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::load(Some(&path), &|name| vars.get(name).cloned(), &flags)
    }

    #[test]
    fn nothing_configured_means_offline() {
        let s = load(None, &[], Flags::default()).expect("loads");
        assert_eq!(s.endpoint(Role::Scoring), None);
    }

    #[test]
    fn a_key_alone_goes_to_openai_with_default_models() {
        let s = load(None, &[("OPENAI_API_KEY", "sk-test")], Flags::default()).expect("loads");
        let e = s.endpoint(Role::Transcription).expect("an endpoint");
        assert_eq!(
            (e.base_url.as_str(), e.model.as_str()),
            (OPENAI_BASE_URL, "whisper-1")
        );
        assert_eq!(e.api_key.as_ref().map(Secret::expose), Some("sk-test"));
    }

    #[test]
    fn layers_apply_in_order_file_standard_hotseat_flags() {
        let file = "base_url = \"http://file/v1\"\n[scoring]\nmodel = \"file-model\"\n[speech]\nbase_url = \"http://tts/v1\"\n";
        let s = load(Some(file), &[], Flags::default()).expect("loads");
        assert_eq!(
            s.endpoint(Role::Scoring).map(|e| e.model),
            Some("file-model".into())
        );
        assert_eq!(
            s.endpoint(Role::Speech).map(|e| e.base_url),
            Some("http://tts/v1".into())
        );

        let vars = [("OPENAI_BASE_URL", "http://openai-var/v1/")];
        let s = load(Some(file), &vars, Flags::default()).expect("loads");
        assert_eq!(
            s.endpoint(Role::Scoring).map(|e| e.base_url),
            Some("http://openai-var/v1".into())
        );

        let vars = [
            ("OPENAI_BASE_URL", "http://openai-var/v1"),
            ("HOTSEAT_BASE_URL", "http://hotseat-var/v1"),
            ("HOTSEAT_SCORING_MODEL", "env-model"),
        ];
        let s = load(Some(file), &vars, Flags::default()).expect("loads");
        let e = s.endpoint(Role::Scoring).expect("endpoint");
        assert_eq!(
            (e.base_url.as_str(), e.model.as_str()),
            ("http://hotseat-var/v1", "env-model")
        );
        // A role's own base URL still wins over the shared one.
        assert_eq!(
            s.endpoint(Role::Speech).map(|e| e.base_url),
            Some("http://tts/v1".into())
        );

        let flags = Flags {
            base_url: Some("http://flag/v1".into()),
            model: Some("flag-model".into()),
            offline: false,
        };
        let s = load(Some(file), &vars, flags).expect("loads");
        let e = s.endpoint(Role::Interviewer).expect("endpoint");
        assert_eq!(
            (e.base_url.as_str(), e.model.as_str()),
            ("http://flag/v1", "flag-model")
        );
        // --model names the chat model; transcription keeps its own.
        assert_eq!(
            s.endpoint(Role::Transcription).map(|e| e.model),
            Some("whisper-1".into())
        );
    }

    #[test]
    fn offline_wins_from_any_layer() {
        let vars = [("OPENAI_API_KEY", "sk-test")];
        assert_eq!(
            load(Some("offline = true\n"), &vars, Flags::default())
                .expect("loads")
                .endpoint(Role::Scoring),
            None
        );
        let offline = Flags {
            offline: true,
            ..Flags::default()
        };
        assert_eq!(
            load(None, &vars, offline)
                .expect("loads")
                .endpoint(Role::Scoring),
            None
        );
        let vars = [("OPENAI_API_KEY", "sk-test"), ("HOTSEAT_OFFLINE", "1")];
        assert_eq!(
            load(None, &vars, Flags::default())
                .expect("loads")
                .endpoint(Role::Scoring),
            None
        );
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let s = load(
            None,
            &[("OPENAI_API_KEY", ""), ("OPENAI_BASE_URL", "  ")],
            Flags::default(),
        )
        .expect("loads");
        assert_eq!(s.endpoint(Role::Scoring), None);
    }

    #[test]
    fn the_key_never_prints() {
        let s = load(
            Some("api_key = \"sk-file-secret\"\n"),
            &[("HOTSEAT_SPEECH_API_KEY", "sk-env-secret")],
            Flags::default(),
        )
        .expect("loads");
        let shown = format!("{s:?} {:?}", s.endpoint(Role::Speech));
        assert!(
            !shown.contains("sk-file-secret") && !shown.contains("sk-env-secret"),
            "{shown}"
        );
    }

    #[test]
    fn a_bad_file_or_variable_is_named() {
        let e = load(
            Some("base_url = \"x\"\n[scoring]\nmodle = \"typo\"\n"),
            &[],
            Flags::default(),
        )
        .expect_err("fails");
        assert!(e.to_string().contains("config.toml:3:"), "{e}");
        let e =
            load(None, &[("HOTSEAT_READ_TIMEOUT", "soon")], Flags::default()).expect_err("fails");
        assert!(e.to_string().contains("HOTSEAT_READ_TIMEOUT"), "{e}");
    }
}
