//! Running the built `hotseat` binary as scripts do: isolated from the user's own config,
//! sessions and endpoint variables, in plain mode read line by line.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::thread;
use std::time::Duration;

use serde_json::Value;

pub fn hotseat(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hotseat"));
    // Keep the user's own config and sessions out of the tests.
    cmd.env("HOTSEAT_CONFIG_DIR", data.join("config"))
        .env("HOTSEAT_HOME", data.join("home"))
        .env_remove("OPENAI_BASE_URL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("HOTSEAT_BASE_URL")
        .env_remove("HOTSEAT_API_KEY");
    cmd
}

pub fn run(data: &Path, args: &[&str]) -> Output {
    hotseat(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("hotseat runs")
}

pub fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("valid JSON on stdout")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A plain-mode session whose prompts are read line by line, so a test can answer what is asked.
pub struct Plain {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    pub seen: Vec<String>,
}

impl Plain {
    pub fn spawn(data: &Path, args: &[&str]) -> Plain {
        Plain::spawn_with(data, args, &[])
    }

    /// With extra environment variables (an API key, say).
    pub fn spawn_with(data: &Path, args: &[&str], vars: &[(&str, &str)]) -> Plain {
        let mut child = hotseat(data)
            .envs(vars.iter().copied())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hotseat starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Plain {
            child,
            stdin,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads until a prompt for an answer; returns the lines of that prompt, or None at the end.
    pub fn next_prompt(&mut self) -> Option<Vec<String>> {
        let mut block = Vec::new();
        loop {
            let line = self.lines.recv_timeout(Duration::from_secs(30)).ok()?;
            self.seen.push(line.clone());
            let done = line.starts_with("(Answer, then");
            block.push(line);
            if done {
                return Some(block);
            }
        }
    }

    pub fn answer(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{text}\n.").expect("write answer");
        stdin.flush().expect("flush");
    }

    pub fn close_input(&mut self) {
        self.stdin = None;
    }

    pub fn rest(&mut self) -> String {
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(30)) {
            self.seen.push(line);
        }
        self.seen.join("\n")
    }
}

pub fn session_ids(data: &Path) -> Vec<String> {
    let list = json(&run(data, &["review", "--json"]));
    list.as_array()
        .expect("a list")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect()
}
