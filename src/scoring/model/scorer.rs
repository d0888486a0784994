//! Grading by a model. The answer is cleaned of text addressed to the grader before the model sees
//! it, sent with the rubric at temperature 0 in the best JSON mode the server accepts, and the
//! reply is checked (`score_from_reply`). When anything fails the offline estimate stands in,
//! labelled as one, flagged with why and marked for `rescore`: a failure never costs an answer.

use std::sync::Arc;

use thiserror::Error;
use tokio::sync::Semaphore;

use super::reply::{ReplyContext, ReplyError, reported_injection, score_from_reply};
use super::schema::{NAME, grading_schema};
use crate::content::Lexicon;
use crate::llm::structured::chat_json;
use crate::llm::{ChatRequest, Format, FormatMemory, ModelClient, ModelError, runtime};
use crate::prompts::{AnswerContext, PromptError, Prompts};
use crate::scoring::offline::{OfflineScorer, set_aside_injection};
use crate::scoring::{NEEDS_RESCORE, Samples, Score, ScoreError, ScoreRequest, Scorer, verdict};

#[derive(Debug, Error)]
pub enum GradeError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Prompt(#[from] PromptError),
    #[error(transparent)]
    Estimate(#[from] ScoreError),
}

impl GradeError {
    pub fn flag(&self) -> &'static str {
        match self {
            GradeError::Model(e) => e.flag(),
            GradeError::Prompt(_) => "prompt-error",
            GradeError::Estimate(_) => "estimate-error",
        }
    }
}

/// Room for a full grading reply (about 150 tokens a dimension and 20 a talking point) with a
/// wide margin; only a runaway reply reaches it.
const MAX_TOKENS: u32 = 3000;

pub struct ModelScorer {
    client: ModelClient,
    prompts: Arc<Prompts>,
    lexicon: Lexicon,
    offline: OfflineScorer,
    formats: Arc<FormatMemory>,
    samples: u32,
    /// Bounds how many gradings run at once, so a long loop does not flood a local server.
    permits: Arc<Semaphore>,
}

impl ModelScorer {
    pub fn new(
        client: ModelClient,
        prompts: Arc<Prompts>,
        lexicon: Lexicon,
        formats: Arc<FormatMemory>,
        samples: u32,
        concurrency: usize,
    ) -> ModelScorer {
        ModelScorer {
            client,
            prompts,
            offline: OfflineScorer::new(lexicon.clone()),
            lexicon,
            formats,
            samples: samples.max(1),
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    pub fn model(&self) -> &str {
        self.client.model()
    }

    /// The model's grade, or why there is none (no offline stand-in: `rescore` uses this to
    /// leave an answer's earlier grade alone when the model fails again).
    pub fn grade(&self, request: &ScoreRequest<'_>) -> Result<Score, GradeError> {
        let estimate = self.offline.score(request)?;
        runtime::block_on(self.grade_async(request, &estimate))
    }

    async fn grade_async(
        &self,
        request: &ScoreRequest<'_>,
        estimate: &Score,
    ) -> Result<Score, GradeError> {
        // What is set aside is flagged by the reply check, from the offline estimate of the whole
        // answer (which finds the same sentences).
        let (clean, _) = set_aside_injection(request.answer, &self.lexicon);
        let mut scores = Vec::new();
        for _ in 0..self.samples {
            scores.push(self.grade_once(request, &clean, estimate).await?);
        }
        Ok(combine(scores))
    }

    /// One grading. If the model reports text addressed to it that the lexicon missed, that text
    /// is taken out and the answer graded again; the lower grade stands, so an instruction hidden
    /// in an answer can only ever cost it.
    async fn grade_once(
        &self,
        request: &ScoreRequest<'_>,
        answer: &str,
        estimate: &Score,
    ) -> Result<Score, GradeError> {
        let (score, injection) = self.ask(request, answer, estimate).await?;
        let Some(injection) = injection.filter(|i| answer.contains(i.as_str())) else {
            return Ok(score);
        };
        let without = answer.replacen(&injection, "", 1);
        let (again, _) = self.ask(request, &without, estimate).await?;
        let mut lower = if again.overall < score.overall {
            again
        } else {
            score
        };
        if !lower.has_flag("injection") {
            lower.flags.push("injection".into());
        }
        Ok(lower)
    }

    async fn ask(
        &self,
        request: &ScoreRequest<'_>,
        answer: &str,
        estimate: &Score,
    ) -> Result<(Score, Option<String>), GradeError> {
        let context =
            AnswerContext::new(request.question, request.rubric, answer, request.level, &[]);
        let chat = ChatRequest {
            system: self.prompts.render("scorer-system.md", &context)?,
            user: self.prompts.render("scorer-user.md", &context)?,
            temperature: 0.0,
            max_tokens: Some(MAX_TOKENS),
            format: Format::Text,
        };
        let schema = grading_schema(request.question, request.rubric);
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ModelError::Cancelled)?;
        let (completion, _mode) =
            chat_json(&self.client, &self.formats, &chat, NAME, &schema).await?;
        let url = || self.client.url().to_string();
        let reply = ReplyContext {
            question: request.question,
            rubric: request.rubric,
            answer,
            level: request.level,
            model: self.client.model(),
            fallback: estimate,
        };
        let score = score_from_reply(&completion.text, &reply).map_err(|e| match e {
            _ if completion.truncated() => ModelError::Truncated { url: url() },
            ReplyError::Json(super::json::JsonError::Truncated) => {
                ModelError::Truncated { url: url() }
            }
            other => ModelError::BadReply {
                url: url(),
                reason: other.to_string(),
            },
        })?;
        Ok((score, reported_injection(&completion.text)))
    }
}

impl Scorer for ModelScorer {
    fn identity(&self) -> String {
        format!("model:{}", self.client.model())
    }

    fn score(&self, request: &ScoreRequest<'_>) -> Result<Score, ScoreError> {
        let estimate = self.offline.score(request)?;
        match runtime::block_on(self.grade_async(request, &estimate)) {
            Ok(score) => Ok(score),
            Err(error) => Ok(stand_in(estimate, &error, self.client.model())),
        }
    }
}

/// The offline estimate in place of a model grade that failed: flagged with why, marked for
/// rescore, with one sentence for the candidate.
pub fn stand_in(mut estimate: Score, error: &GradeError, model: &str) -> Score {
    estimate.flags.push(error.flag().to_string());
    estimate.flags.push(NEEDS_RESCORE.to_string());
    estimate.notice = Some(format!(
        "The scoring model {model} could not grade this answer ({error}), so the offline estimate is shown; `hotseat rescore` will grade it again."
    ));
    estimate
}

/// Several gradings of one answer as one: the median overall and the median level of each
/// dimension, with the evidence of the grading nearest the median, and the spread.
fn combine(mut scores: Vec<Score>) -> Score {
    if scores.len() == 1 {
        return scores.remove(0);
    }
    let overalls: Vec<f64> = scores.iter().map(|s| s.overall).collect();
    let middle = median(&overalls);
    let nearest = scores
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| {
            (a.overall - middle)
                .abs()
                .total_cmp(&(b.overall - middle).abs())
        })
        .map_or(0, |(i, _)| i);
    let mut flags: Vec<String> = Vec::new();
    for flag in scores.iter().flat_map(|s| &s.flags) {
        if !flags.contains(flag) {
            flags.push(flag.clone());
        }
    }
    let levels: Vec<Vec<f64>> = (0..scores[nearest].dimensions.len())
        .map(|d| {
            scores
                .iter()
                .filter_map(|s| s.dimensions.get(d))
                .map(|d| f64::from(d.level))
                .collect()
        })
        .collect();
    let mut score = scores.swap_remove(nearest);
    for (dimension, levels) in score.dimensions.iter_mut().zip(levels) {
        dimension.level = median(&levels).round().clamp(1.0, 4.0) as u8;
    }
    let (low, high) = overalls
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &o| (l.min(o), h.max(o)));
    score.overall = (middle * 10.0).round() / 10.0;
    score.verdict = verdict(score.overall).into();
    score.flags = flags;
    score.samples = Some(Samples {
        overalls,
        spread: ((high - low) * 10.0).round() / 10.0,
    });
    score
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[1.0, 4.0, 2.0, 3.0]), 2.5);
    }
}
