//! Getting JSON out of servers that differ in what they accept. Three ways, best first: a JSON
//! schema the server enforces, JSON mode, then the prompt's own contract with tolerant extraction
//! of the object from whatever comes back. What worked for a server and model is remembered (in
//! memory and, when given a file, across runs) so the refusals are paid for once.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{ChatRequest, Completion, Format, ModelClient};
use super::error::ModelError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputMode {
    JsonSchema,
    JsonObject,
    PromptOnly,
}

impl OutputMode {
    pub const ALL: [OutputMode; 3] = [
        OutputMode::JsonSchema,
        OutputMode::JsonObject,
        OutputMode::PromptOnly,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OutputMode::JsonSchema => "json-schema",
            OutputMode::JsonObject => "json-object",
            OutputMode::PromptOnly => "prompt-only",
        }
    }

    pub fn format(self, name: &str, schema: &Value) -> Format {
        match self {
            OutputMode::JsonSchema => Format::JsonSchema {
                name: name.to_string(),
                schema: schema.clone(),
            },
            OutputMode::JsonObject => Format::JsonObject,
            OutputMode::PromptOnly => Format::Text,
        }
    }
}

/// What each server and model was found to accept.
#[derive(Debug, Default)]
pub struct FormatMemory {
    file: Option<PathBuf>,
    known: Mutex<BTreeMap<String, OutputMode>>,
}

fn key(url: &str, model: &str) -> String {
    format!("{url} {model}")
}

impl FormatMemory {
    /// Remembers only for this run.
    pub fn new() -> FormatMemory {
        FormatMemory::default()
    }

    /// Remembers across runs in `file` (JSON). A missing or unreadable file starts empty: the
    /// worst outcome is paying for a refusal again.
    pub fn at(file: PathBuf) -> FormatMemory {
        let known = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        FormatMemory {
            file: Some(file),
            known: Mutex::new(known),
        }
    }

    pub fn get(&self, url: &str, model: &str) -> Option<OutputMode> {
        self.lock().get(&key(url, model)).copied()
    }

    pub fn remember(&self, url: &str, model: &str, mode: OutputMode) {
        let snapshot = {
            let mut known = self.lock();
            if known.insert(key(url, model), mode) == Some(mode) {
                return;
            }
            known.clone()
        };
        if let Some(file) = &self.file {
            // Best effort: failing to remember costs a retry next run, never an answer.
            let _ = write_atomically(file, &snapshot);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, OutputMode>> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn write_atomically(file: &PathBuf, known: &BTreeMap<String, OutputMode>) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer_pretty(&mut tmp, known)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Asks for a JSON reply in the best mode the server accepts, starting from the one remembered,
/// and falling back when the server refuses the format. The completion is returned as text: the
/// caller extracts and checks the object.
pub async fn chat_json(
    client: &ModelClient,
    memory: &FormatMemory,
    request: &ChatRequest,
    schema_name: &str,
    schema: &Value,
) -> Result<(Completion, OutputMode), ModelError> {
    let start = memory
        .get(client.url(), client.model())
        .unwrap_or(OutputMode::JsonSchema);
    let mut last = None;
    for mode in OutputMode::ALL.into_iter().filter(|m| *m >= start) {
        let attempt = ChatRequest {
            format: mode.format(schema_name, schema),
            ..request.clone()
        };
        match client.chat(&attempt).await {
            Ok(completion) => {
                memory.remember(client.url(), client.model(), mode);
                return Ok((completion, mode));
            }
            Err(e) if e.refuses_format() && mode != OutputMode::PromptOnly => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or(ModelError::Cancelled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_worked_is_remembered_across_runs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("formats.json");
        let memory = FormatMemory::at(file.clone());
        assert_eq!(memory.get("http://a/v1", "m"), None);
        memory.remember("http://a/v1", "m", OutputMode::JsonObject);
        let again = FormatMemory::at(file);
        assert_eq!(again.get("http://a/v1", "m"), Some(OutputMode::JsonObject));
        assert_eq!(again.get("http://a/v1", "other"), None);
    }

    #[test]
    fn an_unreadable_memory_file_starts_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("formats.json");
        std::fs::write(&file, "not json").expect("write");
        assert_eq!(FormatMemory::at(file).get("u", "m"), None);
    }
}
