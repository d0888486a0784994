//! The bundled content is complete and consistent, and a broken file is reported at its line.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;

use hotseat::content::{Bank, ContentErrors, OfflineSignal};

fn bank() -> Bank {
    Bank::bundled().unwrap_or_else(|e| panic!("the bundled content must load: {e}"))
}

const ROUNDS: [&str; 7] = [
    "coding",
    "system-design",
    "database-design",
    "sql",
    "distributed-systems",
    "api-design",
    "behavioral",
];

/// The interview guide's named questions, word for word.
const SEED_QUESTIONS: [&str; 5] = [
    "Design a database schema for a ride-sharing app.",
    "How do you handle duplicate message delivery in a queue consumer?",
    "What's the difference between at-least-once and exactly-once delivery?",
    "How would you implement a distributed lock?",
    "Your service calls 5 downstream services — one is slow. How do you prevent cascade failure?",
];

#[test]
fn every_round_has_a_rubric_of_four_to_seven_weighted_dimensions() {
    let bank = bank();
    for round in ROUNDS {
        let rubric = bank
            .rubric(round)
            .unwrap_or_else(|| panic!("round {round} has no rubric"));
        assert!(
            (4..=7).contains(&rubric.dimensions.len()),
            "{round}: {} dimensions",
            rubric.dimensions.len()
        );
        for d in &rubric.dimensions {
            assert!(d.weight > 0.0, "{round}/{}: weight", d.id);
            assert!(
                d.levels.iter().all(|l| l.len() > 20),
                "{round}/{}: every level needs a real descriptor",
                d.id
            );
        }
        assert!(
            rubric.dimensions.iter().any(|d| !d.expectations.is_empty()),
            "{round}: no dimension says what changes between mid, senior and staff"
        );
        assert!(
            rubric
                .dimensions
                .iter()
                .any(|d| d.offline == OfflineSignal::Points),
            "{round}: the offline scorer needs at least one dimension rated from talking points"
        );
    }
    assert_eq!(
        bank.rubric("behavioral").map(|r| r
            .dimensions
            .iter()
            .any(|d| d.offline == OfflineSignal::Star)),
        Some(true)
    );
}

#[test]
fn every_round_has_ten_questions_and_the_bank_seventy() {
    let bank = bank();
    for round in ROUNDS {
        let n = bank.questions.iter().filter(|q| q.round == round).count();
        assert!(n >= 10, "round {round} has {n} questions");
    }
    assert!(
        bank.questions.len() >= 70,
        "{} questions",
        bank.questions.len()
    );
}

#[test]
fn every_seed_topic_has_its_questions() {
    let bank = bank();
    let mut missing = Vec::new();
    for topic in &bank.topics {
        let n = bank
            .questions
            .iter()
            .filter(|q| q.topics.contains(&topic.id))
            .count();
        if n < topic.min_questions {
            missing.push(format!("{} ({} of {})", topic.id, n, topic.min_questions));
        }
    }
    assert!(
        missing.is_empty(),
        "topics without enough questions: {missing:?}"
    );
    assert!(
        bank.topics.len() >= 50,
        "the guide names more topics than {}",
        bank.topics.len()
    );
}

#[test]
fn the_guide_questions_are_in_the_bank_word_for_word() {
    let bank = bank();
    for text in SEED_QUESTIONS {
        assert!(
            bank.questions.iter().any(|q| q.text == text),
            "missing: {text}"
        );
    }
}

#[test]
fn every_question_is_complete() {
    let bank = bank();
    let mut ids = HashSet::new();
    for q in &bank.questions {
        assert!(ids.insert(&q.id), "id {} repeats", q.id);
        assert!(
            q.points.len() >= 4,
            "{}: {} talking points",
            q.id,
            q.points.len()
        );
        assert!(q.probes.len() >= 2, "{}: {} probes", q.id, q.probes.len());
        assert!(!q.topics.is_empty(), "{}: no topics", q.id);
        assert!(q.minutes > 0, "{}: no time budget", q.id);
        assert!(
            q.points.iter().any(|p| p.core),
            "{}: no core talking point",
            q.id
        );
        assert!(
            q.points.iter().any(|p| !p.wrong.is_empty()),
            "{}: no wrong belief to rule out",
            q.id
        );
        for p in &q.points {
            assert!(!p.says.is_empty(), "{}/{}: no phrasings", q.id, p.id);
        }
        for probe in &q.probes {
            assert!(
                !probe.points.is_empty(),
                "{}: a probe is tied to no talking point",
                q.id
            );
        }
    }
}

#[test]
fn levels_and_difficulties_are_spread() {
    let bank = bank();
    let mut levels = HashMap::new();
    for q in &bank.questions {
        *levels.entry(q.level).or_insert(0) += 1;
    }
    assert_eq!(levels.len(), 3, "questions for every level: {levels:?}");
}

fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn load_errors(dir: &Path) -> ContentErrors {
    match Bank::load(Some(dir)) {
        Ok(_) => panic!("the broken content loaded"),
        Err(e) => e,
    }
}

const GOOD_QUESTION: &str = r#"
[[questions]]
id = "my-own-question"
round = "sql"
text = "Explain a LEFT JOIN."
topics = ["joins"]
difficulty = "easy"
level = "mid"
minutes = 5

[[questions.points]]
id = "keeps-left-rows"
text = "Keeps every row of the left table"
dimensions = []
core = true
says = ["left join + keep* | every | all + row*"]
[[questions.points.wrong]]
text = "A left join drops rows without a match"
says = ["left join + drop* | lose* + row*"]

[[questions.points]]
id = "nulls"
text = "Unmatched columns are NULL"
dimensions = []
says = ["null + unmatched | no match | missing"]

[[questions.points]]
id = "filter-where"
text = "A WHERE on the right table turns it into an inner join"
dimensions = []
says = ["where + inner join | right table"]

[[questions.points]]
id = "count"
text = "COUNT(right.col) counts matches only"
dimensions = []
says = ["count + match* | null"]

[[questions.probes]]
text = "What happens to rows with no match?"
points = ["nulls"]

[[questions.probes]]
text = "Where would you put a filter on the right table?"
points = ["filter-where"]
"#;

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let dir = user_dir(&[(
        "mine.toml",
        "format = 1\n\n[[questions]]\nid = \"x\"\ntext = \"unterminated\n",
    )]);
    let e = load_errors(dir.path());
    let first = &e.0[0];
    assert_eq!(first.file, dir.path().join("mine.toml"));
    assert_eq!(first.line, 5, "{e}");
    assert!(e.to_string().contains("mine.toml:5:"), "{e}");
}

#[test]
fn a_missing_field_names_the_file_and_line() {
    let broken = GOOD_QUESTION.replace("difficulty = \"easy\"\n", "");
    let dir = user_dir(&[("mine.toml", &broken)]);
    let e = load_errors(dir.path());
    assert!(e.to_string().contains("difficulty"), "{e}");
    assert_eq!(e.0[0].line, 2, "{e}");
}

#[test]
fn a_bare_term_phrasing_is_rejected_at_its_line() {
    let broken = GOOD_QUESTION.replace(
        "says = [\"null + unmatched | no match | missing\"]",
        "says = [\"null\"]",
    );
    let dir = user_dir(&[("mine.toml", &broken)]);
    let e = load_errors(dir.path());
    let line = broken
        .lines()
        .position(|l| l == "says = [\"null\"]")
        .expect("line")
        + 1;
    assert_eq!((e.0[0].line, e.0.len()), (line, 1), "{e}");
    assert!(e.to_string().contains("bare mention"), "{e}");
}

#[test]
fn unknown_references_are_reported() {
    let bad_probe = GOOD_QUESTION.replace("points = [\"nulls\"]", "points = [\"no-such-point\"]");
    let dir = user_dir(&[("mine.toml", &bad_probe)]);
    let e = load_errors(dir.path()).to_string();
    assert!(
        e.contains("mine.toml:") && e.contains("no-such-point"),
        "{e}"
    );

    let bad_dimension = GOOD_QUESTION.replace(
        "dimensions = []\ncore = true",
        "dimensions = [\"no-such-dimension\"]\ncore = true",
    );
    let dir = user_dir(&[("mine.toml", &bad_dimension)]);
    let e = load_errors(dir.path()).to_string();
    assert!(
        e.contains("mine.toml:2:") && e.contains("no-such-dimension"),
        "{e}"
    );
}

#[test]
fn a_repeated_id_is_reported_with_both_places() {
    let dir = user_dir(&[("a.toml", GOOD_QUESTION), ("b.toml", GOOD_QUESTION)]);
    let e = load_errors(dir.path()).to_string();
    assert!(
        e.contains("my-own-question") && e.contains("already used"),
        "{e}"
    );
}

#[test]
fn too_few_points_or_probes_are_reported() {
    let mut broken = GOOD_QUESTION.to_string();
    let cut = broken
        .find("[[questions.points]]\nid = \"count\"")
        .expect("point");
    let probes = broken.find("[[questions.probes]]").expect("probes");
    broken.replace_range(cut..probes, "");
    let dir = user_dir(&[("mine.toml", &broken)]);
    let e = load_errors(dir.path()).to_string();
    assert!(e.contains("3 talking points"), "{e}");
}

#[test]
fn user_files_add_questions_and_override_by_id_and_by_name() {
    let bundled = bank();
    let replaced = GOOD_QUESTION
        .replace("my-own-question", "ds-duplicate-delivery")
        .replace("round = \"sql\"", "round = \"distributed-systems\"");
    let dir = user_dir(&[("mine.toml", GOOD_QUESTION), ("override.toml", &replaced)]);
    let bank = Bank::load(Some(dir.path())).expect("loads");
    assert_eq!(bank.questions.len(), bundled.questions.len() + 1);
    assert_eq!(
        bank.question("my-own-question").map(|q| q.round.as_str()),
        Some("sql")
    );
    assert_eq!(
        bank.question("ds-duplicate-delivery")
            .map(|q| q.text.as_str()),
        Some("Explain a LEFT JOIN.")
    );

    // A file named like a bundled one replaces it whole.
    let plans = "format = 1\n[plans.quick]\ntitle = \"Quick\"\n[[plans.quick.stages]]\nrounds = [\"sql\"]\nquestions = 1\nminutes = 10\n";
    let dir = user_dir(&[("plans.toml", plans)]);
    let bank = Bank::load(Some(dir.path())).expect("loads");
    assert_eq!(bank.plans.keys().collect::<Vec<_>>(), ["quick"]);
}
