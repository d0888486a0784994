//! Turning a plan name (`screen`, `onsite`) or a practice target (a round, topic or question) into
//! the questions of one session, drawn by seed so that a session can be repeated.

use thiserror::Error;

use crate::content::{Bank, Level, Question, StageSpec};

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// `screen`, `onsite` or `practice`.
    pub name: String,
    pub title: String,
    pub target: Option<String>,
    pub level: Level,
    pub seed: u64,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub round: String,
    pub minutes: u32,
    pub questions: Vec<PlannedQuestion>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedQuestion {
    pub id: String,
    pub round: String,
    pub text: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("there is no plan called {0:?}; the plans are: {1}")]
    UnknownPlan(String, String),
    #[error("no round, topic or question is called {0:?}{1}; `hotseat questions` lists them")]
    UnknownTarget(String, Suggestions),
    #[error("the bank has no question for round {0:?}")]
    EmptyRound(String),
}

impl PlannedQuestion {
    fn from(q: &Question) -> Self {
        PlannedQuestion {
            id: q.id.clone(),
            round: q.round.clone(),
            text: q.text.clone(),
            minutes: q.minutes,
        }
    }
}

/// A plan from `plans.toml` (`screen`, `onsite`, or one of the user's own).
pub fn named(bank: &Bank, name: &str, level: Level, seed: u64) -> Result<Plan, PlanError> {
    let spec = bank.plans.get(name).ok_or_else(|| {
        PlanError::UnknownPlan(
            name.to_string(),
            bank.plans.keys().cloned().collect::<Vec<_>>().join(", "),
        )
    })?;
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut used: Vec<String> = Vec::new();
    let mut stages = Vec::new();
    for stage in &spec.stages {
        let stage = draw(bank, stage, level, &mut rng, &used)?;
        used.extend(stage.questions.iter().map(|q| q.id.clone()));
        stages.push(stage);
    }
    Ok(Plan {
        name: name.to_string(),
        title: spec.title.clone(),
        target: None,
        level,
        seed,
        stages,
    })
}

/// One question for a round, a topic, or a question id.
pub fn practice(bank: &Bank, target: &str, level: Level, seed: u64) -> Result<Plan, PlanError> {
    let candidates: Vec<&Question> = match bank.find_question(target) {
        Some(q) => vec![q],
        None => bank.questions_for(target),
    };
    if candidates.is_empty() {
        return Err(PlanError::UnknownTarget(
            target.to_string(),
            suggest(bank, target),
        ));
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let q = pick_by_level(&candidates, level, 1, &mut rng)[0];
    // Name what is practised the way the candidate chose it: a round, a topic or one question.
    let what = if bank.find_question(target).is_some() {
        q.round.replace('-', " ")
    } else if let Some(topic) = bank.topics.iter().find(|t| t.id == target) {
        topic.name.clone()
    } else {
        bank.rubric(target)
            .map_or_else(|| target.to_string(), |r| r.title.clone())
    };
    Ok(Plan {
        name: "practice".into(),
        title: format!("Practice: {what}"),
        target: Some(target.to_string()),
        level,
        seed,
        stages: vec![Stage {
            round: q.round.clone(),
            minutes: q.minutes,
            questions: vec![PlannedQuestion::from(q)],
        }],
    })
}

/// Close names for a target that matched nothing, shown as "(did you mean …?)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestions(Vec<String>);

impl std::fmt::Display for Suggestions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_slice() {
            [] => Ok(()),
            names => write!(f, " (did you mean {}?)", names.join(", ")),
        }
    }
}

fn suggest(bank: &Bank, target: &str) -> Suggestions {
    let wanted = target.to_lowercase();
    let mut names: Vec<&str> = bank.rubrics.keys().map(String::as_str).collect();
    names.extend(
        bank.questions
            .iter()
            .flat_map(|q| q.topics.iter().map(String::as_str)),
    );
    names.extend(bank.questions.iter().map(|q| q.id.as_str()));
    names.sort_unstable();
    names.dedup();
    let mut scored: Vec<(f64, &str)> = names
        .into_iter()
        .map(|name| {
            let close = strsim::normalized_levenshtein(&wanted, name);
            let contains = name.contains(&wanted) || wanted.contains(name);
            // "windows" for window-functions: a part of the name shares a long start with it.
            let shared = name.split('-').any(|part| {
                part.chars()
                    .zip(wanted.chars())
                    .take_while(|(a, b)| a == b)
                    .count()
                    >= 5
            });
            (
                if contains || shared {
                    close.max(0.75)
                } else {
                    close
                },
                name,
            )
        })
        .filter(|(score, _)| *score >= 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    Suggestions(
        scored
            .into_iter()
            .take(3)
            .map(|(_, n)| n.to_string())
            .collect(),
    )
}

fn draw(
    bank: &Bank,
    spec: &StageSpec,
    level: Level,
    rng: &mut fastrand::Rng,
    used: &[String],
) -> Result<Stage, PlanError> {
    let round = spec.rounds[rng.usize(..spec.rounds.len())].clone();
    let candidates: Vec<&Question> = bank
        .questions
        .iter()
        .filter(|q| q.round == round && !used.contains(&q.id))
        .collect();
    if candidates.is_empty() {
        return Err(PlanError::EmptyRound(round));
    }
    let mut questions = Vec::new();
    let mut minutes = 0;
    for q in pick_by_level(&candidates, level, candidates.len(), rng) {
        if questions.len() == spec.questions {
            break;
        }
        // Always one question; more only while they fit the stage's time.
        if !questions.is_empty() && minutes + q.minutes > spec.minutes {
            continue;
        }
        minutes += q.minutes;
        questions.push(PlannedQuestion::from(q));
    }
    Ok(Stage {
        round,
        minutes: spec.minutes,
        questions,
    })
}

/// Shuffles the candidates and orders them by distance from the target level, so that the right
/// level comes first and neighbours fill in when it runs short.
fn pick_by_level<'q>(
    candidates: &[&'q Question],
    level: Level,
    n: usize,
    rng: &mut fastrand::Rng,
) -> Vec<&'q Question> {
    let mut shuffled = candidates.to_vec();
    rng.shuffle(&mut shuffled);
    shuffled.sort_by_key(|q| (q.level as i32 - level as i32).abs());
    shuffled.truncate(n.max(1));
    shuffled
}
