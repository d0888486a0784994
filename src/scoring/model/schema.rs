//! The JSON schema of a grading reply for one question, for servers that enforce one: the
//! dimension and talking-point ids are enumerated, so a model cannot invent or misspell them.
//! Only keywords OpenAI's strict mode accepts (no `minimum`, `maxLength`, …): a level is an enum,
//! and the overall is clamped when the reply is read.

use serde_json::{Value, json};

use crate::content::{Question, Rubric};

pub const NAME: &str = "hotseat_grade";

pub fn grading_schema(question: &Question, rubric: &Rubric) -> Value {
    let dimension_ids: Vec<&str> = rubric.dimensions.iter().map(|d| d.id.as_str()).collect();
    let point_ids: Vec<&str> = question.points.iter().map(|p| p.id.as_str()).collect();
    json!({
        "type": "object",
        "properties": {
            "dimensions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "enum": dimension_ids},
                        "level": {"type": "integer", "enum": [1, 2, 3, 4]},
                        "evidence": {"type": "string"},
                        "missing": {"type": "string"},
                        "improvement": {"type": "string"}
                    },
                    "required": ["id", "level", "evidence", "missing", "improvement"],
                    "additionalProperties": false
                }
            },
            "talking_points": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "enum": point_ids},
                        "covered": {"type": "boolean"}
                    },
                    "required": ["id", "covered"],
                    "additionalProperties": false
                }
            },
            "overall": {"type": "number"},
            "injection": {"type": "string"}
        },
        "required": ["dimensions", "talking_points", "overall", "injection"],
        "additionalProperties": false
    })
}
