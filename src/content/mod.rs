//! Content: rubrics, the question bank, topics, plans and the offline scorer's lexicon, loaded from
//! TOML files bundled into the binary and overridable from the user's config directory.

mod bank;
mod error;
mod lexicon;
mod load;
mod model;

pub use bank::Bank;
pub use error::{ContentError, ContentErrors};
pub use lexicon::{Injection, Lexicon, Star};
pub use model::{
    Difficulty, Dimension, Level, OfflineSignal, PlanSpec, Probe, Question, Rubric, Source,
    StageSpec, TalkingPoint, Topic, WrongBelief,
};
