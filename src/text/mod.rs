//! Text handling shared by the content loader and the offline scorer: sentences, stemmed tokens,
//! and the phrasing patterns that talking points are written in.

mod pattern;
mod tokens;

pub use pattern::{Cue, CueSet, Pattern, PatternError, PatternMatch};
pub use tokens::{Sentence, Token, sentences, tokenize};
