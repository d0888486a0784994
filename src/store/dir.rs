//! The file-system store: `<data>/sessions/<id>/transcript.json`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::{SessionSummary, Store, StoreError};
use crate::scoring::NEEDS_RESCORE;
use crate::transcript::{self, SessionStatus, Transcript};

const FILE: &str = "transcript.json";

#[derive(Debug, Clone)]
pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    pub fn new(data_dir: &Path) -> Self {
        DirStore {
            root: data_dir.join("sessions"),
        }
    }

    pub fn session_dir(&self, id: &str) -> PathBuf {
        self.root.join(id)
    }

    fn write(&self, transcript: &Transcript) -> std::io::Result<()> {
        let dir = self.session_dir(&transcript.id);
        fs::create_dir_all(&dir)?;
        let mut json = serde_json::to_vec_pretty(transcript).map_err(std::io::Error::other)?;
        json.push(b'\n');
        // Write beside the old file and rename over it: a crash leaves the old transcript or the
        // new one, never half of either.
        let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
        tmp.write_all(&json)?;
        tmp.as_file().sync_all()?;
        tmp.persist(dir.join(FILE)).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The few fields a listing needs; the rest of each file is skipped unparsed.
#[derive(Deserialize)]
struct Light {
    format: u32,
    id: String,
    started_at: DateTime<Utc>,
    status: SessionStatus,
    plan: LightPlan,
    questions: Vec<LightQuestion>,
}

#[derive(Deserialize)]
struct LightPlan {
    name: String,
    title: String,
    level: String,
}

#[derive(Deserialize)]
struct LightQuestion {
    turns: Vec<LightTurn>,
    scores: Vec<LightScore>,
}

#[derive(Deserialize)]
struct LightTurn {
    #[serde(default)]
    answer: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct LightScore {
    overall: f64,
    #[serde(default)]
    flags: Vec<String>,
}

fn check_format(path: &Path, format: u32) -> Result<(), StoreError> {
    if format > transcript::FORMAT {
        return Err(StoreError::Corrupt {
            path: path.display().to_string(),
            reason: format!(
                "it is format {format}, newer than this hotseat reads ({})",
                transcript::FORMAT
            ),
        });
    }
    Ok(())
}

impl Store for DirStore {
    fn save(&self, transcript: &Transcript) -> Result<(), StoreError> {
        self.write(transcript).map_err(|source| StoreError::Write {
            id: transcript.id.clone(),
            path: self.session_dir(&transcript.id).display().to_string(),
            source,
        })
    }

    fn load(&self, id: &str) -> Result<Transcript, StoreError> {
        let path = self.session_dir(id).join(FILE);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound(id.into()));
            }
            Err(source) => {
                return Err(StoreError::Read {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let corrupt = |e: serde_json::Error| StoreError::Corrupt {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let format: LightFormat = serde_json::from_str(&text).map_err(corrupt)?;
        check_format(&path, format.format)?;
        serde_json::from_str(&text).map_err(corrupt)
    }

    fn list(&self) -> Result<(Vec<SessionSummary>, Vec<StoreError>), StoreError> {
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Vec::new(), Vec::new()));
            }
            Err(source) => {
                return Err(StoreError::Read {
                    path: self.root.display().to_string(),
                    source,
                });
            }
        };
        let mut sessions = Vec::new();
        let mut problems = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path().join(FILE);
            match summarise(&path) {
                Ok(Some(s)) => sessions.push(s),
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        sessions.sort_by(|a, b| {
            b.started_at
                .cmp(&a.started_at)
                .then_with(|| b.id.cmp(&a.id))
        });
        Ok((sessions, problems))
    }
}

#[derive(Deserialize)]
struct LightFormat {
    format: u32,
}

fn summarise(path: &Path) -> Result<Option<SessionSummary>, StoreError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StoreError::Read {
                path: path.display().to_string(),
                source,
            });
        }
    };
    let light: Light = serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    check_format(path, light.format)?;
    let grades: Vec<f64> = light
        .questions
        .iter()
        .filter_map(|q| q.scores.last())
        .map(|s| s.overall)
        .collect();
    let finished = light.status != SessionStatus::InProgress;
    let to_rescore = light
        .questions
        .iter()
        .filter(|q| q.turns.iter().any(|t| t.answer.is_some()))
        .filter(|q| match q.scores.last() {
            Some(s) => s.flags.iter().any(|f| f == NEEDS_RESCORE),
            None => finished,
        })
        .count();
    Ok(Some(SessionSummary {
        to_rescore,
        answers: light
            .questions
            .iter()
            .filter(|q| q.turns.iter().any(|t| t.answer.is_some()))
            .count(),
        questions: light.questions.len(),
        overall: transcript::mean_grade(&grades),
        id: light.id,
        started_at: light.started_at,
        status: light.status,
        plan: light.plan.name,
        title: light.plan.title,
        level: light.plan.level,
    }))
}
