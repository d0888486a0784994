//! `hotseat review`: the list of past sessions, or one whole transcript.

use anyhow::Result;

use std::fmt::Write;

use super::args::ReviewArgs;
use super::emit;
use crate::store::{DirStore, Store};
use crate::{paths, report};

pub fn run(args: ReviewArgs) -> Result<()> {
    let store = DirStore::new(&paths::data_dir(args.data_dir));
    let mut out = String::new();
    match args.session {
        Some(id) => {
            let t = store.load(&id)?;
            if args.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&t)?)?;
            } else {
                write!(out, "{}", report::transcript(&t))?;
            }
        }
        None => {
            let (sessions, problems) = store.list()?;
            for p in problems {
                eprintln!("hotseat: skipped a session: {p}");
            }
            if args.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&sessions)?)?;
            } else {
                write!(out, "{}", report::sessions(&sessions))?;
            }
        }
    }
    emit(&out)
}
