//! Grader replies for hotseat's scorer, made from the request itself: the dimension and
//! talking-point ids come from the JSON schema when the request has one, otherwise from the
//! rendered scorer prompt, so a reply always names exactly what was asked about.

use serde_json::{Value, json};

use super::Step;

/// The JSON text of a grader reply: every dimension at `level` quoting `evidence` (empty if
/// `None`), every talking point covered when `level >= 3`, `overall = level`, no injection.
pub fn grading_reply(request: &Value, level: u8, evidence: Option<&str>) -> String {
    let prompt = user_text(request);
    let dimensions = schema_ids(request, "dimensions").unwrap_or_else(|| prompt_ids(&prompt).0);
    let points = schema_ids(request, "talking_points").unwrap_or_else(|| prompt_ids(&prompt).1);
    let dimensions: Vec<Value> = dimensions
        .iter()
        .map(|id| {
            json!({
                "id": id,
                "level": level,
                "evidence": evidence.unwrap_or_default(),
                "missing": "",
                "improvement": "",
            })
        })
        .collect();
    let points: Vec<Value> = points
        .iter()
        .map(|id| json!({ "id": id, "covered": level >= 3 }))
        .collect();
    json!({
        "dimensions": dimensions,
        "talking_points": points,
        "overall": level,
        "injection": "",
    })
    .to_string()
}

/// A grader that obeys instructions hidden in the answer: everything 4 when the candidate's
/// answer mentions "4/4", "ignore" or "system" (in any case), otherwise everything 2.
pub fn gullible(request: &Value) -> Step {
    let answer = answer(&user_text(request)).to_lowercase();
    let obeyed = ["4/4", "ignore", "system"]
        .iter()
        .any(|word| answer.contains(word));
    Step::Reply(grading_reply(request, if obeyed { 4 } else { 2 }, None))
}

/// The text of the last user message, whether its content is a string or a list of text parts.
pub fn user_text(request: &Value) -> String {
    let messages = request.get("messages").and_then(Value::as_array);
    let Some(user) = messages
        .into_iter()
        .flatten()
        .rfind(|m| m.get("role").and_then(Value::as_str) == Some("user"))
    else {
        return String::new();
    };
    match user.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// The `id` enum of `properties.<field>.items` in the request's JSON schema, whether it is sent
/// as `json_schema` (`response_format.json_schema.schema`) or beside `json_object`
/// (`response_format.schema`, as llama.cpp servers take it).
fn schema_ids(request: &Value, field: &str) -> Option<Vec<String>> {
    let format = request.get("response_format")?;
    let schema = format
        .pointer("/json_schema/schema")
        .or_else(|| format.get("schema"))?;
    let ids = schema
        .pointer(&format!("/properties/{field}/items/properties/id/enum"))?
        .as_array()?;
    Some(
        ids.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
    )
}

/// Dimension ids (`## <id>: ` under `# Rubric`) and talking-point ids (`- <id>: ` or
/// `- <id> (core): `, not indented, under `# Talking points`) from the scorer prompt. Reading stops
/// at the answer fence, so an answer cannot add ids of its own.
fn prompt_ids(prompt: &str) -> (Vec<String>, Vec<String>) {
    let mut dimensions = Vec::new();
    let mut points = Vec::new();
    let mut section = "";
    for line in prompt.lines() {
        if line.starts_with("<<<ANSWER-") {
            break;
        }
        if let Some(heading) = line.strip_prefix("# ") {
            section = heading;
        } else if section.starts_with("Rubric") {
            dimensions.extend(line.strip_prefix("## ").and_then(id_before_colon));
        } else if section.starts_with("Talking points") {
            points.extend(line.strip_prefix("- ").and_then(id_before_colon));
        }
    }
    (dimensions, points)
}

/// `id` from `id: text` or `id (core): text`.
fn id_before_colon(line: &str) -> Option<String> {
    let (head, _) = line.split_once(':')?;
    head.split_whitespace().next().map(str::to_string)
}

/// The candidate's answer: the lines between the one starting `<<<ANSWER-` and the one ending
/// `>>>`. Empty when the prompt has no fenced answer.
pub fn answer(prompt: &str) -> String {
    prompt
        .lines()
        .skip_while(|line| !line.starts_with("<<<ANSWER-"))
        .skip(1)
        .take_while(|line| !line.trim_end().ends_with(">>>"))
        .collect::<Vec<_>>()
        .join("\n")
}
