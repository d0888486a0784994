//! Keeping a model's reasoning out of what is parsed and shown. Reasoning models put it in a
//! `reasoning_content` field (dropped where the reply is read) or inline between `<think>` and
//! `</think>`, which may arrive split across stream chunks: `ThinkFilter` releases only the text
//! outside those tags, holding back a partial tag until the next chunk says what it is.

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

#[derive(Debug, Default)]
pub struct ThinkFilter {
    inside: bool,
    pending: String,
}

impl ThinkFilter {
    /// Takes the next piece of the reply and returns the visible text it completes.
    pub fn push(&mut self, chunk: &str) -> String {
        let mut text = std::mem::take(&mut self.pending);
        text.push_str(chunk);
        let mut out = String::new();
        let mut rest = text.as_str();
        loop {
            let tag = if self.inside { CLOSE } else { OPEN };
            match rest.find(tag) {
                Some(at) => {
                    if !self.inside {
                        out.push_str(&rest[..at]);
                    }
                    rest = &rest[at + tag.len()..];
                    self.inside = !self.inside;
                }
                None => {
                    let keep = partial_tag_suffix(rest, tag);
                    if !self.inside {
                        out.push_str(&rest[..rest.len() - keep]);
                    }
                    self.pending = rest[rest.len() - keep..].to_string();
                    return out;
                }
            }
        }
    }

    /// The end of the reply: a held-back partial tag was ordinary text after all. An unclosed
    /// `<think>` hides everything after it (the reply was cut off while the model was thinking).
    pub fn finish(&mut self) -> String {
        let pending = std::mem::take(&mut self.pending);
        if self.inside { String::new() } else { pending }
    }
}

/// The reply without its reasoning.
pub fn strip(text: &str) -> String {
    let mut filter = ThinkFilter::default();
    let mut out = filter.push(text);
    out.push_str(&filter.finish());
    out
}

/// The length of the longest suffix of `text` that could be the start of `tag`.
fn partial_tag_suffix(text: &str, tag: &str) -> usize {
    (1..tag.len().min(text.len() + 1))
        .rev()
        .find(|&n| {
            text.is_char_boundary(text.len() - n) && tag.starts_with(&text[text.len() - n..])
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(chunks: &[&str]) -> String {
        let mut f = ThinkFilter::default();
        let mut out: String = chunks.iter().map(|c| f.push(c)).collect();
        out.push_str(&f.finish());
        out
    }

    #[test]
    fn reasoning_is_removed_even_when_its_tags_are_split_across_chunks() {
        assert_eq!(
            strip("<think>hmm</think>What fails first?"),
            "What fails first?"
        );
        assert_eq!(
            through(&["<th", "ink>let me see", " more</thi", "nk>Why", " a queue?"]),
            "Why a queue?"
        );
        assert_eq!(through(&["a <", "b> c"]), "a <b> c");
        assert_eq!(through(&["ends with <"]), "ends with <");
        assert_eq!(through(&["ok <think>never closed"]), "ok ");
        assert_eq!(through(&["é<", "/think>"]), "é</think>");
    }
}
