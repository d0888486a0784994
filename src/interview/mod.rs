//! The interview core: a pure state machine that takes events (an answer, a skip, a tick, a
//! grade that arrived) and returns effects (ask this, grade that, save now). No terminal, no
//! network, no files: the front ends carry the effects out.

mod events;
mod machine;
pub mod plan;
#[cfg(test)]
mod tests;

pub use events::{Effect, Event, Millis, Phase, Rejection, Warning};
pub use machine::{Interview, SessionMeta};
pub use plan::{Plan, PlanError, PlannedQuestion, Stage};
