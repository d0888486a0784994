//! Splitting answers into sentences and words. Words keep both their lower-cased form (for
//! `prefix*` patterns) and their Snowball stem (so "duplicates" meets "duplicate").

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// One word of an answer or a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub word: String,
    pub stem: String,
    /// Which clause of its text the word is in: a comma, semicolon, colon or bracket, or a word
    /// like "but" or "while", starts a new one. A negation reaches only within its clause.
    pub clause: u32,
}

/// Words that open a new clause ("retries won't help, while a 5xx …").
fn opens_clause(word: &str) -> bool {
    matches!(
        word,
        "but" | "while" | "whereas" | "although" | "though" | "however" | "whilst"
    )
}

/// One sentence of an answer, as written and as tokens.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub text: String,
    pub tokens: Vec<Token>,
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Articles carry no meaning for matching and would make "store the key" miss "store key".
fn is_article(word: &str) -> bool {
    matches!(word, "a" | "an" | "the")
}

/// Lower-cases, splits on anything that is not a letter, digit or inner apostrophe, drops articles
/// and possessive `'s`, and stems.
pub fn tokenize(text: &str) -> Vec<Token> {
    let normalised = text.replace(['\u{2019}', '\u{2018}'], "'").to_lowercase();
    let mut tokens = Vec::new();
    let mut clause = 0;
    let mut word = String::new();
    for c in normalised.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '\'' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            push_word(&mut tokens, &word, &mut clause);
            word.clear();
        }
        if matches!(c, ',' | ';' | ':' | '(' | ')' | '\u{2014}') {
            clause += 1;
        }
    }
    tokens
}

fn push_word(tokens: &mut Vec<Token>, raw: &str, clause: &mut u32) {
    let w = raw.trim_matches('\'');
    let w = w.strip_suffix("'s").unwrap_or(w);
    if w.is_empty() || is_article(w) {
        return;
    }
    if opens_clause(w) {
        *clause += 1;
    }
    tokens.push(Token {
        word: w.to_string(),
        stem: stemmer().stem(w).into_owned(),
        clause: *clause,
    });
}

/// Splits an answer into sentences: at line breaks, and at `.`, `?` or `!` followed by a space and
/// something that starts a sentence (so "e.g. the" and "3.5" stay whole).
pub fn sentences(answer: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for line in answer.lines() {
        let line = line.trim().trim_start_matches(['-', '*', '•']).trim();
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut start = 0;
        for (i, &(pos, c)) in chars.iter().enumerate() {
            if !matches!(c, '.' | '?' | '!') {
                continue;
            }
            let next = chars.get(i + 1).map(|&(_, c)| c);
            let after = chars.get(i + 2).map(|&(_, c)| c);
            let ends = match (next, after) {
                (None, _) => true,
                // A lower-case start counts too (people type answers in lower case), except after
                // an abbreviation: "e.g. the", "vs. offset".
                (Some(n), Some(a)) if n.is_whitespace() => {
                    a.is_alphanumeric() && !(c == '.' && ends_with_abbreviation(&line[start..pos]))
                        || matches!(a, '"' | '\'' | '(')
                }
                _ => false,
            };
            if ends {
                push_sentence(&mut out, &line[start..pos + c.len_utf8()]);
                start = pos + c.len_utf8();
            }
        }
        push_sentence(&mut out, &line[start..]);
    }
    out
}

/// Whether text ends with an abbreviation whose full stop does not end a sentence.
fn ends_with_abbreviation(text: &str) -> bool {
    let last = text
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let word = last.trim_end_matches('.').to_lowercase();
    matches!(
        word.as_str(),
        "e.g"
            | "i.e"
            | "etc"
            | "vs"
            | "cf"
            | "approx"
            | "incl"
            | "resp"
            | "mr"
            | "mrs"
            | "ms"
            | "dr"
            | "fig"
            | "no"
            | "eg"
            | "ie"
    ) || (word.len() == 1 && word.chars().all(char::is_alphabetic))
}

fn push_sentence(out: &mut Vec<Sentence>, text: &str) {
    let text = text.trim();
    let tokens = tokenize(text);
    if !tokens.is_empty() {
        out.push(Sentence {
            text: text.to_string(),
            tokens,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_drops_articles() {
        let words: Vec<String> = tokenize("The duplicates were redelivered")
            .into_iter()
            .map(|t| t.stem)
            .collect();
        assert_eq!(words, ["duplic", "were", "redeliv"]);
    }

    #[test]
    fn keeps_contractions_whole() {
        let words: Vec<String> = tokenize("It doesn't dedupe — the consumer's job")
            .into_iter()
            .map(|t| t.word)
            .collect();
        assert_eq!(words, ["it", "doesn't", "dedupe", "consumer", "job"]);
    }

    #[test]
    fn commas_and_contrast_words_start_clauses() {
        let clauses: Vec<u32> = tokenize("retries won't help, while a 5xx can")
            .iter()
            .map(|t| t.clause)
            .collect();
        assert_eq!(clauses, [0, 0, 0, 2, 2, 2]);
    }

    #[test]
    fn splits_sentences_but_not_abbreviations_or_decimals() {
        let s =
            sentences("Use a heap, e.g. a min-heap of size 3.5 or so. Then pop! why?\n- next line");
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Use a heap, e.g. a min-heap of size 3.5 or so.",
                "Then pop!",
                "why?",
                "next line"
            ]
        );
        let lower =
            sentences("use a heap vs. a sorted list. then pop k times, e.g. with heappop. done");
        let texts: Vec<&str> = lower.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "use a heap vs. a sorted list.",
                "then pop k times, e.g. with heappop.",
                "done"
            ]
        );
    }
}
