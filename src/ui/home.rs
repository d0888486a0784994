//! The home screen: pick a plan, a round or a topic, the level and the number of follow-ups.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::app::App;
use crate::content::Bank;
use crate::report::round_name;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Plan(String),
    Practice(String),
}

pub struct Item {
    pub label: String,
    pub detail: String,
    /// None for a heading.
    pub action: Option<Action>,
}

pub struct HomeView {
    pub items: Vec<Item>,
    pub selected: usize,
}

impl HomeView {
    pub fn new(bank: &Bank) -> HomeView {
        let heading = |label: &str| Item {
            label: label.to_string(),
            detail: String::new(),
            action: None,
        };
        let mut items = vec![heading("Interview loops")];
        for name in ["screen", "onsite"]
            .into_iter()
            .chain(bank.plans.keys().map(String::as_str))
        {
            if items
                .iter()
                .any(|i| i.action == Some(Action::Plan(name.to_string())))
            {
                continue;
            }
            if let Some(plan) = bank.plans.get(name) {
                items.push(Item {
                    label: plan.title.clone(),
                    detail: plan.description.clone(),
                    action: Some(Action::Plan(name.to_string())),
                });
            }
        }
        items.push(heading("Practise one question from a round"));
        for round in bank.rounds() {
            let count = bank.questions.iter().filter(|q| q.round == round).count();
            let title = bank
                .rubric(&round)
                .map(|r| r.title.clone())
                .unwrap_or_default();
            items.push(Item {
                label: round_name(&round),
                detail: format!("{title}: {count} questions."),
                action: Some(Action::Practice(round)),
            });
        }
        items.push(heading("Practise a topic"));
        for topic in &bank.topics {
            let count = bank.questions_for(&topic.id).len();
            items.push(Item {
                label: topic.name.clone(),
                detail: format!("{} · {count} question(s).", round_name(&topic.round)),
                action: Some(Action::Practice(topic.id.clone())),
            });
        }
        HomeView { items, selected: 1 }
    }

    /// Moves the selection, stepping over headings.
    pub fn move_by(&mut self, delta: isize) {
        let n = self.items.len() as isize;
        let mut i = self.selected as isize;
        loop {
            i += delta;
            if i < 0 || i >= n {
                return;
            }
            if self.items[i as usize].action.is_some() {
                self.selected = i as usize;
                return;
            }
        }
    }

    pub fn selected_action(&self) -> Option<Action> {
        self.items.get(self.selected).and_then(|i| i.action.clone())
    }
}

pub fn draw(frame: &mut Frame, app: &App, view: &HomeView) {
    let [title, body, notice, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(
        Line::from(vec![
            Span::styled(" hotseat ", Style::new().reversed().bold()),
            Span::raw("  mock interviews for backend engineers"),
        ]),
        title,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);

    let items: Vec<ListItem> = view
        .items
        .iter()
        .map(|i| match i.action {
            None => ListItem::new(Line::from(i.label.clone()).bold().underlined()),
            Some(_) => ListItem::new(format!("  {}", i.label)),
        })
        .collect();
    let list = List::new(items)
        .block(Block::bordered().title(" Choose "))
        .highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut state = ListState::default().with_selected(Some(view.selected));
    frame.render_stateful_widget(list, left, &mut state);

    let [detail, recent] =
        Layout::vertical([Constraint::Length(9), Constraint::Min(3)]).areas(right);
    let selected = &view.items[view.selected.min(view.items.len() - 1)];
    let text = vec![
        Line::from(selected.label.clone()).bold(),
        Line::from(selected.detail.clone()),
        Line::from(""),
        Line::from(format!("Level: {}   (l to change)", app.level)),
        Line::from(format!(
            "Follow-up questions per answer: {}   (f to change)",
            app.follow_ups
        )),
        Line::from(
            match app.services.scorer.identity().strip_prefix("model:") {
                Some(model) => {
                    format!("Grading: {model} (a model grade; offline estimate if it fails)")
                }
                None => "Grading: offline estimate (no model endpoint configured)".to_string(),
            },
        )
        .dim(),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Session ")),
        detail,
    );
    let lines: Vec<Line> = if app.recent.is_empty() {
        vec![Line::from("No sessions yet. Your transcripts will appear here.").dim()]
    } else {
        app.recent
            .iter()
            .take(usize::from(recent.height.saturating_sub(2)))
            .map(|s| {
                Line::from(format!(
                    "{}  {:<9} {:>2}/{:<2} {}",
                    s.started_at.format("%Y-%m-%d %H:%M"),
                    s.plan,
                    s.answers,
                    s.questions,
                    s.overall
                        .map(|o| format!("{o:.1}"))
                        .unwrap_or_else(|| "-".into())
                ))
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Recent sessions ")),
        recent,
    );
    if let Some(n) = &app.notice {
        frame.render_widget(Line::from(n.clone()).yellow(), notice);
    }
    frame.render_widget(
        Line::from(" ↑↓ choose · Enter start · l level · f follow-ups · q quit").dim(),
        keys,
    );
}
