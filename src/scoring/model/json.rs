//! Finding the JSON object in a model's reply, whatever the server wrapped it in: reasoning
//! (`<think>…</think>`), a Markdown code fence, prose before or after. A reply cut off half-way
//! is reported as such, never half-parsed.

use serde_json::Value;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JsonError {
    #[error("the reply holds no JSON object")]
    Missing,
    #[error("the reply's JSON object is cut off")]
    Truncated,
    #[error("the reply's JSON is not valid: {0}")]
    Invalid(String),
}

/// The first complete JSON object in `text`, parsed.
pub fn extract_object(text: &str) -> Result<Value, JsonError> {
    let text = crate::llm::reasoning::strip(text);
    let mut search = text.as_str();
    while let Some(start) = search.find('{') {
        let candidate = &search[start..];
        match balanced_end(candidate) {
            Some(end) => match serde_json::from_str::<Value>(&candidate[..end]) {
                Ok(value @ Value::Object(_)) => return Ok(value),
                Ok(_) => {}
                Err(e) => {
                    // Prose such as "{not json}" before the real object: keep looking.
                    let rest = &candidate[1..];
                    if !rest.contains('{') {
                        return Err(JsonError::Invalid(e.to_string()));
                    }
                }
            },
            None => return Err(JsonError::Truncated),
        }
        search = &candidate[1..];
    }
    Err(JsonError::Missing)
}

/// Where the object that starts at `text[0]` ends, honouring strings and escapes; `None` when it
/// never closes.
fn balanced_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + c.len_utf8());
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_object() {
        assert_eq!(
            extract_object("{\"overall\": 3}").expect("parses")["overall"],
            3
        );
    }

    #[test]
    fn fenced_with_prose_and_reasoning() {
        let reply = "<think>The answer misses retention {maybe}.</think>Here is the grade:\n```json\n{\"overall\": 2.5, \"note\": \"a } in a string\"}\n```\nThanks!";
        let v = extract_object(reply).expect("parses");
        assert_eq!(v["overall"], 2.5);
        assert_eq!(v["note"], "a } in a string");
    }

    #[test]
    fn prose_braces_before_the_object_are_skipped() {
        let v = extract_object("Levels are {1..4}. {\"overall\": 4}").expect("parses");
        assert_eq!(v["overall"], 4);
    }

    #[test]
    fn a_cut_off_reply_is_truncated_not_guessed() {
        assert_eq!(
            extract_object("{\"dimensions\": [{\"id\": \"a\", \"level\": 3"),
            Err(JsonError::Truncated)
        );
        assert_eq!(
            extract_object("<think>still thinking {\"overall\": 4}"),
            Err(JsonError::Missing)
        );
    }

    #[test]
    fn no_object_at_all() {
        assert_eq!(
            extract_object("I cannot grade this."),
            Err(JsonError::Missing)
        );
        assert!(matches!(
            extract_object("{oops}"),
            Err(JsonError::Invalid(_))
        ));
    }
}
