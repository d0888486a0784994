//! `hotseat review`: the list of past sessions, or one whole transcript.

use anyhow::Result;

use super::args::ReviewArgs;
use crate::store::{DirStore, Store};
use crate::{paths, report};

pub fn run(args: ReviewArgs) -> Result<()> {
    let store = DirStore::new(&paths::data_dir(args.data_dir));
    match args.session {
        Some(id) => {
            let t = store.load(&id)?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&t)?);
            } else {
                print!("{}", report::transcript(&t));
            }
        }
        None => {
            let (sessions, problems) = store.list()?;
            for p in problems {
                eprintln!("hotseat: skipped a session: {p}");
            }
            if args.json {
                println!("{}", serde_json::to_string_pretty(&sessions)?);
            } else {
                print!("{}", report::sessions(&sessions));
            }
        }
    }
    Ok(())
}
