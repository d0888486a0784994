//! The debrief: every question of the session with its grade, and the selected one in full.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::app::App;
use crate::report::{self, round_name};
use crate::scoring::verdict;
use crate::session::{Session, Writing};
use crate::transcript::QuestionStatus;

#[derive(Debug, Default)]
pub struct DebriefView {
    pub selected: usize,
    pub scroll: u16,
}

impl DebriefView {
    pub fn select(&mut self, delta: isize, count: usize) {
        let next = (self.selected as isize + delta).clamp(0, count.saturating_sub(1) as isize);
        self.selected = next as usize;
        self.scroll = 0;
    }
}

/// How many rows the list has: the written debrief (when a model writes one), then the questions.
pub fn rows(session: &Session) -> usize {
    usize::from(*session.writing() != Writing::None)
        + session.interview().transcript().questions.len()
}

/// The written debrief's panel: "thinking" until its first words, then the text as it grows.
fn written(writing: &Writing) -> String {
    match writing {
        Writing::None => String::new(),
        Writing::Thinking => "The committee is thinking…".into(),
        Writing::Text { text, done: false } => format!("{text}▍"),
        Writing::Text { text, done: true } => text.clone(),
        Writing::Failed(why) => why.clone(),
    }
}

pub fn draw(frame: &mut Frame, app: &App, view: &DebriefView) {
    let Some(session) = app.session() else { return };
    let t = session.interview().transcript();
    let [title, summary, body, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Min(5),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(
        Line::from(vec![
            Span::styled(" hotseat ", Style::new().reversed().bold()),
            Span::raw(format!(
                "  Debrief · {} · {} level · session {}",
                t.plan.title, t.plan.level, t.id
            )),
        ]),
        title,
    );
    let pending = session.interview().pending_scores();
    let mut lines = vec![match t.overall() {
        Some(o) => Line::from(vec![
            Span::from(format!(" Overall {o:.1}/4 ({}) ", verdict(o))).bold(),
            Span::from(format!(
                "· {} of {} answered",
                t.answered(),
                t.questions.len()
            )),
            Span::from(
                if t.questions
                    .iter()
                    .flat_map(|q| q.score())
                    .any(|s| s.estimate)
                {
                    " · offline estimate"
                } else {
                    ""
                },
            )
            .dim(),
        ]),
        None => Line::from(format!(
            " Nothing graded · {} of {} answered",
            t.answered(),
            t.questions.len()
        )),
    }];
    lines.push(if pending > 0 {
        Line::from(format!(" Grading {pending} answer(s)…")).italic()
    } else {
        Line::from(
            t.by_round()
                .iter()
                .map(|(r, g)| format!(" {} {g:.1}", round_name(r)))
                .collect::<Vec<_>>()
                .join(" ·"),
        )
    });
    frame.render_widget(Paragraph::new(lines), summary);

    let [left, right] =
        Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(body);
    let has_written = *session.writing() != Writing::None;
    let mut items: Vec<ListItem> = Vec::new();
    if has_written {
        items.push(ListItem::new(" ✎ Written debrief"));
    }
    items.extend(t.questions.iter().enumerate().map(|(i, q)| {
        let grade = match (q.status, q.score()) {
            (_, Some(s)) => format!("{:.1}", s.overall),
            (QuestionStatus::Skipped, _) => "skip".into(),
            (QuestionStatus::NotAsked, _) => "–".into(),
            _ if q.answered() => "…".into(),
            _ => "–".into(),
        };
        // The id names the question better than its round when a round has several.
        let name: String = q.id.chars().take(22).collect();
        ListItem::new(format!("{:>2} {name:<22} {grade:>5}", i + 1))
    }));
    let mut state = ListState::default().with_selected(Some(view.selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(Block::bordered().title(" Questions "))
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED)),
        left,
        &mut state,
    );

    let question = view.selected.checked_sub(usize::from(has_written));
    let detail = match question {
        None => Some(written(session.writing())),
        Some(n) => t.questions.get(n).map(|q| {
            let mut text = format!("{}\n\n", q.text);
            for turn in &q.turns {
                if turn.kind == crate::transcript::TurnKind::FollowUp {
                    text.push_str(&format!("Follow-up: {}\n", turn.prompt));
                }
                match &turn.answer {
                    Some(a) => text.push_str(&format!("Your answer: {}\n\n", a.trim())),
                    None if turn.skipped => text.push_str("(skipped)\n\n"),
                    None => text.push_str("(no answer)\n\n"),
                }
            }
            for note in &q.notes {
                text.push_str(&format!("Note: {note}\n"));
            }
            if let Some(s) = q.score() {
                text.push_str(&report::score(s));
            }
            text
        }),
    };
    let detail = detail.unwrap_or_default();
    // While the written debrief is still coming, its newest words stay in view unless the
    // candidate has scrolled themselves.
    let writing =
        question.is_none() && matches!(session.writing(), Writing::Text { done: false, .. });
    let scroll = if writing && view.scroll == 0 {
        let inner = right.height.saturating_sub(2);
        wrapped_lines(&detail, right.width.saturating_sub(2)).saturating_sub(inner)
    } else {
        view.scroll
    };
    frame.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::bordered().title(" Feedback ")),
        right,
    );
    frame.render_widget(
        Line::from(" ↑↓ question · PgUp/PgDn scroll · Enter home · q quit").dim(),
        keys,
    );
}

/// About how many rows `text` takes wrapped at `width` (words are not split, so it may be a row
/// short on long words; enough to keep the end of a growing text in view).
fn wrapped_lines(text: &str, width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let rows: usize = text
        .lines()
        .map(|line| line.chars().count().div_ceil(width).max(1))
        .sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::wrapped_lines;

    #[test]
    fn rows_of_wrapped_text_are_counted_per_line() {
        assert_eq!(wrapped_lines("", 10), 0);
        // An empty line still takes a row; eleven characters take two.
        assert_eq!(wrapped_lines("short\n\nten chars!x", 10), 4);
        assert_eq!(wrapped_lines(&"x".repeat(25), 10), 3);
    }
}
