//! Reading an answer before it is graded: sentences, which of them explain rather than list, and
//! which address the grader (those are set aside and never graded).

use crate::content::Lexicon;
use crate::text::{Sentence, sentences, tokenize};

/// A sentence that gives a reason and is a real sentence rather than a bare list of terms.
const MIN_EXPLAINING_WORDS: usize = 5;
/// A sentence this long explains even without a reasoning word ("The consumer stores each id it
/// has handled in a table keyed by message id.").
const SELF_EXPLAINING_WORDS: usize = 12;

#[derive(Debug, Clone)]
pub struct Analysis {
    pub sentences: Vec<Sentence>,
    /// Parallel to `sentences`.
    pub explains: Vec<bool>,
    /// Sentences set aside because they address the grader.
    pub injected: Vec<String>,
    pub words: usize,
}

impl Analysis {
    pub fn new(answer: &str, lexicon: &Lexicon) -> Analysis {
        let mut kept = Vec::new();
        let mut injected = Vec::new();
        for sentence in sentences(answer) {
            if addresses_grader(&sentence, lexicon) {
                injected.push(sentence.text);
            } else {
                kept.push(sentence);
            }
        }
        let explains = kept.iter().map(|s| explains(s, lexicon)).collect();
        let words = kept.iter().map(|s| s.tokens.len()).sum();
        Analysis {
            sentences: kept,
            explains,
            injected,
            words,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }
}

fn addresses_grader(sentence: &Sentence, lexicon: &Lexicon) -> bool {
    let lower = sentence.text.to_lowercase();
    if lexicon
        .injection
        .markers
        .iter()
        .any(|m| lower.contains(m.as_str()))
    {
        return true;
    }
    let tokens = tokenize(&sentence.text);
    lexicon.injection.says.iter().any(|p| {
        p.find(&tokens, &lexicon.negations)
            .is_some_and(|m| !m.negated)
    })
}

/// Whether a sentence explains: long enough, not a list of terms, and giving a reason (or long
/// enough to be a real statement on its own).
fn explains(sentence: &Sentence, lexicon: &Lexicon) -> bool {
    let n = sentence.tokens.len();
    n >= MIN_EXPLAINING_WORDS
        && !is_list(&sentence.text)
        && (n >= SELF_EXPLAINING_WORDS || lexicon.reasoning.any_in(&sentence.tokens))
}

/// "Idempotency keys, a dedupe table, exactly-once and the outbox": three or more short items
/// separated by commas, semicolons, "and" or "or". Slashes are left alone: `/projects/{id}/tasks`
/// is a path, not a list.
fn is_list(text: &str) -> bool {
    let lower = format!(" {} ", text.to_lowercase());
    let items: Vec<usize> = lower
        .split([',', ';'])
        .flat_map(|part| part.split(" and ").flat_map(|p| p.split(" or ")))
        .map(|item| item.split_whitespace().count())
        .filter(|&n| n > 0)
        .collect();
    items.len() >= 3 && (items.iter().sum::<usize>() as f64 / items.len() as f64) <= 3.5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_terms_are_lists() {
        assert!(is_list(
            "Idempotency keys, dedupe table, exactly-once, outbox."
        ));
        assert!(is_list("Use BFS and a queue or a visited set"));
        assert!(!is_list(
            "Because the broker redelivers after a crash, the consumer records each message id before it acknowledges."
        ));
    }
}
