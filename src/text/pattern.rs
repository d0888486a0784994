//! Phrasing patterns: `concept + concept`, each concept `alternative | alternative`, each
//! alternative consecutive words where `word*` is a prefix. See `rubrics/README.md`.

use thiserror::Error;

use super::tokens::{Token, tokenize};

/// How far back, in words, a negation reaches ("does not really guarantee" still negates).
const NEGATION_REACH: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    Stem(String),
    Prefix(String),
}

impl Word {
    fn matches(&self, token: &Token) -> bool {
        match self {
            Word::Stem(stem) => token.stem == *stem,
            Word::Prefix(prefix) => token.word.starts_with(prefix.as_str()),
        }
    }
}

/// A run of consecutive words: one alternative of a concept, or one cue phrase of a lexicon list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    words: Vec<Word>,
}

impl Cue {
    pub fn parse(text: &str) -> Result<Cue, PatternError> {
        let mut words = Vec::new();
        for raw in text.split_whitespace() {
            let (body, prefix) = match raw.strip_suffix('*') {
                Some(body) => (body, true),
                None => (raw, false),
            };
            let tokens = tokenize(body);
            if prefix {
                // A prefix is compared with the lower-cased word, so it is not stemmed.
                let Some((last, rest)) = tokens.split_last() else {
                    return Err(PatternError::EmptyAlternative(text.to_string()));
                };
                words.extend(rest.iter().map(|t| Word::Stem(t.stem.clone())));
                words.push(Word::Prefix(last.word.clone()));
            } else {
                words.extend(tokens.into_iter().map(|t| Word::Stem(t.stem)));
            }
        }
        if words.is_empty() {
            return Err(PatternError::EmptyAlternative(text.to_string()));
        }
        Ok(Cue { words })
    }

    /// Whether the cue starts at `at`.
    pub fn matches_at(&self, tokens: &[Token], at: usize) -> bool {
        at + self.words.len() <= tokens.len()
            && self
                .words
                .iter()
                .zip(&tokens[at..])
                .all(|(w, t)| w.matches(t))
    }

    fn len(&self) -> usize {
        self.words.len()
    }
}

/// A list of cue phrases, such as the lexicon's negations or reasoning words.
#[derive(Debug, Clone, Default)]
pub struct CueSet {
    cues: Vec<Cue>,
}

impl CueSet {
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<CueSet, PatternError> {
        let cues = items
            .iter()
            .map(|s| Cue::parse(s.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(CueSet { cues })
    }

    /// Whether any cue starts at `at`.
    pub fn starts_at(&self, tokens: &[Token], at: usize) -> bool {
        self.cues.iter().any(|c| c.matches_at(tokens, at))
    }

    /// Whether any cue appears anywhere in `tokens`.
    pub fn any_in(&self, tokens: &[Token]) -> bool {
        (0..tokens.len()).any(|i| self.starts_at(tokens, i))
    }

    /// How many distinct cues of the set appear in `tokens`.
    pub fn distinct_in(&self, tokens: &[Token]) -> usize {
        self.cues
            .iter()
            .filter(|c| (0..tokens.len()).any(|i| c.matches_at(tokens, i)))
            .count()
    }

    /// How many times cues of the set occur in `tokens` (not overlapping).
    pub fn count_in(&self, tokens: &[Token]) -> usize {
        let mut count = 0;
        let mut i = 0;
        while i < tokens.len() {
            match self.cues.iter().find(|c| c.matches_at(tokens, i)) {
                Some(cue) => {
                    count += 1;
                    i += cue.len();
                }
                None => i += 1,
            }
        }
        count
    }
}

/// A talking-point phrasing (or a wrong belief's), compiled.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    concepts: Vec<Vec<Cue>>,
}

/// Where a pattern matched and whether a negation stood before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternMatch {
    pub negated: bool,
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PatternError {
    #[error("phrasing {0:?} has an empty alternative")]
    EmptyAlternative(String),
    #[error(
        "phrasing {0:?} has {1} concept(s); it needs at least {2} joined by \" + \" (a single term is a bare mention, not an idea)"
    )]
    TooFewConcepts(String, usize, usize),
}

impl Pattern {
    pub fn parse(source: &str, min_concepts: usize) -> Result<Pattern, PatternError> {
        let concepts = source
            .split('+')
            .map(|concept| {
                concept
                    .split('|')
                    .map(|alt| {
                        Cue::parse(alt.trim())
                            .map_err(|_| PatternError::EmptyAlternative(source.to_string()))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        if concepts.len() < min_concepts {
            return Err(PatternError::TooFewConcepts(
                source.to_string(),
                concepts.len(),
                min_concepts,
            ));
        }
        Ok(Pattern {
            source: source.to_string(),
            concepts,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Looks for every concept in `tokens`. For each concept the first occurrence that no negation
    /// precedes is used; the match is negated only when a concept occurs nowhere un-negated.
    ///
    /// An alternative may itself say "not …" ("no need + dedup*"): where it matches, its negation
    /// is part of the idea, so it neither negates that concept nor the concepts after it.
    pub fn find(&self, tokens: &[Token], negations: &CueSet) -> Option<PatternMatch> {
        let mut own = vec![false; tokens.len()];
        for concept in &self.concepts {
            let mut found = false;
            for at in 0..tokens.len() {
                for alt in concept.iter().filter(|alt| alt.matches_at(tokens, at)) {
                    found = true;
                    if alt.negates(negations) {
                        own[at..at + alt.len()].fill(true);
                    }
                }
            }
            if !found {
                return None;
            }
        }
        let denied = |at: usize| {
            let clause = tokens[at].clause;
            (at.saturating_sub(NEGATION_REACH)..at)
                .any(|i| !own[i] && tokens[i].clause == clause && negations.starts_at(tokens, i))
        };
        let negated = self.concepts.iter().any(|concept| {
            !(0..tokens.len()).any(|at| {
                let matching: Vec<&Cue> = concept
                    .iter()
                    .filter(|alt| alt.matches_at(tokens, at))
                    .collect();
                !matching.is_empty()
                    && (matching.iter().any(|alt| alt.negates(negations)) || !denied(at))
            })
        });
        Some(PatternMatch { negated })
    }
}

impl Cue {
    /// Whether this run of words contains a negation ("no need", "not needed").
    fn negates(&self, negations: &CueSet) -> bool {
        negations
            .cues
            .iter()
            .any(|n| n.words.iter().all(|w| self.words.contains(w)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negations() -> CueSet {
        CueSet::parse(&["not", "never", "doesn't", "without"]).expect("valid cues")
    }

    fn find(pattern: &str, text: &str) -> Option<PatternMatch> {
        Pattern::parse(pattern, 2)
            .expect("valid pattern")
            .find(&tokenize(text), &negations())
    }

    #[test]
    fn matches_concepts_in_any_order_through_stems_and_prefixes() {
        let m = find(
            "idempot* | dedup* + store* | table",
            "Keep a table of processed ids so the handler stays idempotent",
        );
        assert_eq!(m, Some(PatternMatch { negated: false }));
    }

    #[test]
    fn multi_word_alternatives_need_consecutive_words() {
        assert!(
            find(
                "at least once + duplicate",
                "at-least-once means duplicates"
            )
            .is_some()
        );
        assert!(
            find(
                "at least once + duplicate",
                "at most, once, least duplicates"
            )
            .is_none()
        );
    }

    #[test]
    fn a_missing_concept_is_no_match() {
        assert!(find("idempot* + table", "make it idempotent").is_none());
    }

    #[test]
    fn negation_before_a_concept_marks_the_match() {
        let m = find(
            "exactly once + guarantee*",
            "Kafka does not guarantee exactly once end to end",
        );
        assert_eq!(m, Some(PatternMatch { negated: true }));
    }

    #[test]
    fn an_unnegated_occurrence_wins_over_a_negated_one() {
        let m = find(
            "dedup* + table",
            "Without dedupe you double charge, so dedupe with a table",
        );
        assert_eq!(m, Some(PatternMatch { negated: false }));
    }

    #[test]
    fn a_negation_in_another_clause_does_not_reach() {
        let m = find(
            "5xx + retry",
            "Retrying a 400 won't help, while a 5xx is worth a retry",
        );
        assert_eq!(m, Some(PatternMatch { negated: false }));
    }

    #[test]
    fn a_pattern_that_states_a_negation_ignores_negation_checks() {
        let m = find("idempot* + not needed", "idempotency is not needed here");
        assert_eq!(m, Some(PatternMatch { negated: false }));
    }

    #[test]
    fn a_negated_alternative_only_switches_off_its_own_negation() {
        // The pattern's own "no need" does not deny the concept after it…
        let m = find(
            "ack* + no need + dedup*",
            "Because we ack after the commit there is no need to dedupe",
        );
        assert_eq!(m, Some(PatternMatch { negated: false }));
        // …but a negation in the answer still denies the other concepts.
        let m = find(
            "collision free | no collision* + random code*",
            "Random codes are not collision-free",
        );
        assert_eq!(m, Some(PatternMatch { negated: true }));
    }

    #[test]
    fn rejects_single_concepts_and_empty_alternatives() {
        assert!(matches!(
            Pattern::parse("idempotency", 2),
            Err(PatternError::TooFewConcepts(_, 1, 2))
        ));
        assert!(matches!(
            Pattern::parse("a | + b", 2),
            Err(PatternError::EmptyAlternative(_))
        ));
    }

    #[test]
    fn cue_sets_count_distinct_and_repeated_cues() {
        let cues = CueSet::parse(&["because", "so that"]).expect("valid cues");
        let tokens = tokenize("because of this, so that, and because");
        assert_eq!(cues.distinct_in(&tokens), 2);
        assert_eq!(cues.count_in(&tokens), 3);
    }
}
