//! hotseat: a terminal mock interviewer for backend-engineering interviews.
//!
//! The library holds everything but the command line: content (rubrics and questions), the
//! interview state machine, scorers, transcripts and their store, and the two front ends (the
//! terminal UI and the plain line mode).

pub mod content;
pub mod text;
pub mod scoring;
pub mod interview;
pub mod transcript;
