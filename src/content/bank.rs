//! The question bank: bundled content merged with the user's own files, checked as a whole.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use serde::Deserialize;

use super::error::{ContentError, ContentErrors};
use super::lexicon::Lexicon;
use super::load::{self, Lines};
use super::model::{PlanSpec, Question, Rubric, Source, Topic};

static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rubrics");

const TOPICS: &str = "topics.toml";
const PLANS: &str = "plans.toml";
const LEXICON: &str = "lexicon.toml";

/// Everything hotseat asks and grades by.
#[derive(Debug, Clone)]
pub struct Bank {
    pub rubrics: BTreeMap<String, Rubric>,
    pub questions: Vec<Question>,
    pub topics: Vec<Topic>,
    pub plans: BTreeMap<String, PlanSpec>,
    pub lexicon: Lexicon,
}

/// One content file, bundled or the user's.
#[derive(Debug, Clone)]
struct ContentFile {
    path: PathBuf,
    text: String,
    user: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[allow(dead_code)]
    format: u32,
    topics: Vec<Topic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlansFile {
    #[allow(dead_code)]
    format: u32,
    plans: BTreeMap<String, PlanSpec>,
}

impl Bank {
    /// The bundled content alone.
    pub fn bundled() -> Result<Bank, ContentErrors> {
        Bank::from_files(bundled_files())
    }

    /// The bundled content with the `*.toml` files of `user_dir` laid over it: a file of the same
    /// name replaces the bundled one, a new name adds to it.
    pub fn load(user_dir: Option<&Path>) -> Result<Bank, ContentErrors> {
        let mut files = bundled_files();
        if let Some(dir) = user_dir.filter(|d| d.is_dir()) {
            files.extend(user_files(dir)?);
        }
        Bank::from_files(files)
    }

    fn from_files(files: BTreeMap<String, ContentFile>) -> Result<Bank, ContentErrors> {
        let mut errors = Vec::new();
        let mut rubrics = BTreeMap::new();
        // Question id -> (question, from a user file).
        let mut questions: Vec<(Question, bool)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut topics = Vec::new();
        let mut plans = BTreeMap::new();
        let mut lexicon = None;

        // Bundled files first, so that a user's question replaces the bundled one of the same id.
        let mut ordered: Vec<&ContentFile> = files.values().collect();
        ordered.sort_by_key(|f| f.user);
        for file in ordered {
            let name = file
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let lines = Lines::new(&file.path, &file.text);
            match name {
                TOPICS => match lines.parse::<TopicsFile>() {
                    Ok(t) => topics = t.topics,
                    Err(e) => errors.push(e),
                },
                PLANS => match lines.parse::<PlansFile>() {
                    Ok(p) => plans = p.plans,
                    Err(e) => errors.push(e),
                },
                LEXICON => match Lexicon::parse(&file.path, &file.text) {
                    Ok(l) => lexicon = Some(l),
                    Err(e) => errors.push(e),
                },
                _ => match load::round_file(&file.path, &file.text) {
                    Ok(round) => {
                        if let Some(r) = round.rubric {
                            if let Some(other) = rubrics
                                .get(&r.round)
                                .filter(|o: &&Rubric| o.source.file != r.source.file)
                            {
                                errors.push(ContentError::at(
                                    &r.source,
                                    format!(
                                        "a rubric for round {:?} is already defined at {}",
                                        r.round, other.source
                                    ),
                                ));
                            }
                            rubrics.insert(r.round.clone(), r);
                        }
                        for q in round.questions {
                            match index.get(&q.id) {
                                Some(&i) if questions[i].1 == file.user => {
                                    errors.push(ContentError::at(
                                        &q.source,
                                        format!(
                                            "question id {:?} is already used at {}",
                                            q.id, questions[i].0.source
                                        ),
                                    ))
                                }
                                Some(&i) => questions[i] = (q, file.user),
                                None => {
                                    index.insert(q.id.clone(), questions.len());
                                    questions.push((q, file.user));
                                }
                            }
                        }
                    }
                    Err(mut e) => errors.append(&mut e),
                },
            }
        }
        let Some(lexicon) = lexicon else {
            if !files.contains_key(LEXICON) {
                errors.push(ContentError {
                    file: PathBuf::from(LEXICON),
                    line: 1,
                    message: "the offline scorer's lexicon is missing".into(),
                });
            }
            return Err(ContentErrors(errors));
        };
        let bank = Bank {
            rubrics,
            questions: questions.into_iter().map(|(q, _)| q).collect(),
            topics,
            plans,
            lexicon,
        };
        // Checks across files only make sense once every file has been read: a file that failed
        // would otherwise be reported again as whatever it should have defined.
        if errors.is_empty() {
            errors.extend(bank.cross_check());
        }
        if errors.is_empty() {
            Ok(bank)
        } else {
            Err(ContentErrors(errors))
        }
    }

    /// Checks that span files: rounds have rubrics, points name real dimensions, plans name real
    /// rounds.
    fn cross_check(&self) -> Vec<ContentError> {
        let mut errors = Vec::new();
        for q in &self.questions {
            let Some(rubric) = self.rubrics.get(&q.round) else {
                errors.push(ContentError::at(
                    &q.source,
                    format!(
                        "question {:?} is in round {:?}, which has no rubric",
                        q.id, q.round
                    ),
                ));
                continue;
            };
            for p in &q.points {
                for d in &p.dimensions {
                    if rubric.dimension(d).is_none() {
                        errors.push(ContentError::at(
                            &q.source,
                            format!(
                                "question {:?}, talking point {:?}: the {} rubric has no dimension {d:?}",
                                q.id, p.id, q.round
                            ),
                        ));
                    }
                }
            }
        }
        let plans_file = Source {
            file: PathBuf::from(PLANS),
            line: 1,
        };
        for (name, plan) in &self.plans {
            for stage in &plan.stages {
                for round in &stage.rounds {
                    if !self.rubrics.contains_key(round) {
                        errors.push(ContentError::at(
                            &plans_file,
                            format!("plan {name:?} names round {round:?}, which has no rubric"),
                        ));
                    }
                }
            }
        }
        errors
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// A question by its id or by its exact text (surrounding spaces ignored).
    pub fn find_question(&self, id_or_text: &str) -> Option<&Question> {
        let wanted = id_or_text.trim();
        self.question(wanted)
            .or_else(|| self.questions.iter().find(|q| q.text.trim() == wanted))
    }

    pub fn rubric(&self, round: &str) -> Option<&Rubric> {
        self.rubrics.get(round)
    }

    /// Round ids in interview order: as the onsite plan lists them, then any others.
    pub fn rounds(&self) -> Vec<String> {
        let mut order: Vec<String> = Vec::new();
        let staged = self
            .plans
            .values()
            .flat_map(|p| &p.stages)
            .flat_map(|s| &s.rounds);
        for round in staged.chain(self.rubrics.keys()) {
            if self.rubrics.contains_key(round) && !order.contains(round) {
                order.push(round.clone());
            }
        }
        order
    }

    /// Questions whose round or one of whose topics is `name`.
    pub fn questions_for(&self, name: &str) -> Vec<&Question> {
        self.questions
            .iter()
            .filter(|q| q.round == name || q.topics.iter().any(|t| t == name))
            .collect()
    }
}

fn bundled_files() -> BTreeMap<String, ContentFile> {
    BUNDLED
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .filter_map(|f| {
            let name = f.path().file_name()?.to_str()?.to_string();
            Some((
                name,
                ContentFile {
                    path: Path::new("rubrics").join(f.path()),
                    text: f.contents_utf8()?.to_string(),
                    user: false,
                },
            ))
        })
        .collect()
}

fn user_files(dir: &Path) -> Result<Vec<(String, ContentFile)>, ContentErrors> {
    let unreadable = |path: &Path, e: std::io::Error| {
        ContentErrors(vec![ContentError {
            file: path.to_path_buf(),
            line: 0,
            message: format!("cannot be read: {e}"),
        }])
    };
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| unreadable(dir, e))? {
        let path = entry.map_err(|e| unreadable(dir, e))?.path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        out.push((
            name,
            ContentFile {
                path,
                text,
                user: true,
            },
        ));
    }
    Ok(out)
}
