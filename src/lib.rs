//! hotseat: a terminal mock interviewer for backend-engineering interviews.
//!
//! The library holds everything but the command line: content (rubrics and questions), the
//! interview state machine, scorers, transcripts and their store, and the two front ends (the
//! terminal UI and the plain line mode).

pub mod cli;
pub mod config;
pub mod connect;
pub mod content;
pub mod debrief;
pub mod doctor;
pub mod interview;
pub mod interviewer;
pub mod llm;
pub mod paths;
pub mod plain;
pub mod prompts;
pub mod report;
pub mod scoring;
pub mod session;
pub mod store;
pub mod text;
pub mod transcript;
pub mod ui;
