//! Content errors: every one names the file and line it is about.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

use super::model::Source;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{}:{line}: {message}", file.display())]
pub struct ContentError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl ContentError {
    pub fn at(source: &Source, message: impl Into<String>) -> Self {
        ContentError {
            file: source.file.clone(),
            line: source.line,
            message: message.into(),
        }
    }
}

/// Every problem found while loading, so that one run shows them all.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub struct ContentErrors(pub Vec<ContentError>);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => f.write_str("no content errors"),
            [only] => write!(f, "{only}"),
            [first, rest @ ..] => {
                write!(f, "{first} (and {} more problem(s):", rest.len())?;
                for e in rest {
                    write!(f, "\n  {e}")?;
                }
                f.write_str(")")
            }
        }
    }
}
