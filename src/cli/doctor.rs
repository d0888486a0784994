//! `hotseat doctor`: what works and the first thing to fix.

use std::fmt::Write;

use anyhow::{Result, bail};
use serde::Serialize;

use super::args::DoctorArgs;
use super::emit;
use crate::connect::{self, formats_file};
use crate::doctor::{self, Check};
use crate::llm::FormatMemory;
use crate::paths;

#[derive(Serialize)]
struct Output<'a> {
    healthy: bool,
    offline: &'a [&'static str],
    checks: &'a [Check],
    first_fix: Option<&'a Check>,
}

/// A failed check: the doctor ran, the setup does not work.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unhealthy(String);

pub fn run(args: DoctorArgs) -> Result<()> {
    let settings = connect::settings(&args.endpoint.flags())?;
    let data_dir = paths::data_dir(args.data_dir.clone());
    let report = doctor::run(&settings, &FormatMemory::at(formats_file(&data_dir)));
    let mut out = String::new();
    if args.json {
        let output = Output {
            healthy: report.healthy(),
            offline: &report.offline,
            checks: &report.checks,
            first_fix: report.first_fix(),
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&output)?)?;
    } else {
        let config = paths::config_file()
            .map(|p| {
                format!(
                    "{}{}",
                    p.display(),
                    if p.exists() { "" } else { " (not present)" }
                )
            })
            .unwrap_or_else(|| "(no config directory)".into());
        writeln!(out, "Config file: {config}")?;
        if report.checks.is_empty() {
            writeln!(
                out,
                "No model endpoint is configured, so hotseat grades with the offline scorer (an estimate).\nTo use a model, set OPENAI_BASE_URL and/or OPENAI_API_KEY, or base_url in the config file, or pass --base-url."
            )?;
        }
        let mut role = "";
        for c in &report.checks {
            if c.role != role {
                role = c.role;
                writeln!(out, "{role}:")?;
            }
            let mark = match (c.ok, c.optional) {
                (true, _) => "✓",
                (false, false) => "✗",
                (false, true) => "!",
            };
            writeln!(out, "  {mark} {}: {}", c.check, c.detail)?;
        }
        for role in &report.offline {
            let what = match *role {
                "scoring" => "offline estimate",
                "interviewer" => "follow-ups from the question bank",
                _ => "not configured",
            };
            writeln!(out, "{role}: {what}")?;
        }
        match report.first_fix() {
            Some(c) => writeln!(
                out,
                "\nFirst thing to fix ({} {}): {}{}",
                c.role,
                c.check,
                c.fix.as_deref().unwrap_or("see above"),
                if c.optional {
                    " (only voice answers need this; typed answers work)"
                } else {
                    ""
                }
            )?,
            None if !report.checks.is_empty() => writeln!(out, "\nEverything configured works.")?,
            None => {}
        }
    }
    emit(&out)?;
    if let Some(c) = report.first_fix().filter(|_| !report.healthy()) {
        bail!(Unhealthy(format!(
            "{} {} failed: {}",
            c.role, c.check, c.detail
        )));
    }
    Ok(())
}
