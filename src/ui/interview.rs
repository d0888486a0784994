//! The interview screen: the question, the timers, the answer editor.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::app::{App, InterviewView};
use crate::interview::{Interview, Millis, Phase};
use crate::report::{clock, round_name};
use crate::transcript::TurnKind;

pub fn draw(frame: &mut Frame, app: &App, view: &InterviewView) {
    let Some(session) = app.session() else { return };
    let interview = session.interview();
    let t = interview.transcript();
    let [title, timers, question, answer, notice, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(question_height(frame.area(), interview)),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());

    let current = interview.current_question().unwrap_or(0);
    let q = &t.questions[current];
    frame.render_widget(
        Line::from(vec![
            Span::styled(" hotseat ", Style::new().reversed().bold()),
            Span::raw(format!(
                "  {} · question {} of {} · {} · {} level",
                interview.plan().title,
                current + 1,
                t.questions.len(),
                round_name(&q.round),
                interview.plan().level
            )),
        ]),
        title,
    );
    frame.render_widget(timer_line(interview, app.now, current), timers);

    let mut text: Vec<Line> = Vec::new();
    let turn = match interview.phase() {
        Phase::Answering { turn, .. } => *turn,
        _ => q.turns.len().saturating_sub(1),
    };
    match q.turns.get(turn).map(|t| t.kind) {
        Some(TurnKind::FollowUp) => {
            text.push(Line::from(q.text.clone()).dim());
            text.push(Line::from(""));
            text.push(Line::from(vec![
                Span::from("Follow-up: ").bold(),
                Span::from(q.turns[turn].prompt.clone()),
            ]));
        }
        _ => text.push(Line::from(q.text.clone())),
    }
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Question ")),
        question,
    );

    if interview.is_paused() {
        let lines = vec![
            Line::from("Paused. The clock is stopped.").bold(),
            Line::from("Ctrl-P resumes; your draft is kept."),
        ];
        frame.render_widget(
            Paragraph::new(lines)
                .centered()
                .block(Block::bordered().title(" Paused ")),
            answer,
        );
    } else if let Phase::AwaitingFollowUp { .. } = interview.phase() {
        // "Thinking" until the first word arrives, then the follow-up as it is written.
        let written = interview.follow_up_text().unwrap_or_default();
        let body = if written.is_empty() {
            Paragraph::new(vec![
                Line::from("The interviewer is thinking…").italic(),
                Line::from("Ctrl-N moves on without a follow-up.").dim(),
            ])
            .centered()
        } else {
            Paragraph::new(written.to_string()).wrap(Wrap { trim: true })
        };
        frame.render_widget(body.block(Block::bordered().title(" Interviewer ")), answer);
    } else {
        let mut editor = view.editor.clone();
        editor.set_block(Block::bordered().title(" Your answer "));
        frame.render_widget(&editor, answer);
    }

    let notice_line = if view.confirm_end {
        Line::from("End the interview now? Everything answered so far is kept. (y / n)")
            .yellow()
            .bold()
    } else {
        Line::from(app.notice.clone().unwrap_or_default()).yellow()
    };
    frame.render_widget(notice_line, notice);
    frame.render_widget(
        Line::from(
            " Ctrl-S submit · Ctrl-N skip · Ctrl-P pause · Ctrl-O $EDITOR · Esc end · Ctrl-Q quit",
        )
        .dim(),
        keys,
    );
}

fn question_height(area: Rect, interview: &Interview) -> u16 {
    let Some(q) = interview
        .current_question()
        .map(|i| &interview.transcript().questions[i])
    else {
        return 4;
    };
    let width = usize::from(area.width.saturating_sub(4)).max(20);
    let chars: usize = q.text.len()
        + q.turns
            .last()
            .filter(|t| t.kind == TurnKind::FollowUp)
            .map_or(0, |t| t.prompt.len() + width * 2);
    let lines = chars.div_ceil(width) as u16;
    (lines + 2).clamp(3, area.height / 3)
}

fn timer_line(interview: &Interview, now: Millis, question: usize) -> Line<'static> {
    let t = interview.transcript();
    let q = &t.questions[question];
    let answer = q.answer_ms() + interview.answer_elapsed(now).unwrap_or(0);
    let budget = u64::from(q.minutes) * 60_000;
    let stage = interview.stage_elapsed(q.stage, now);
    let stage_budget = u64::from(interview.plan().stages[q.stage].minutes) * 60_000;
    let style = |spent: u64, budget: u64| {
        if spent >= budget {
            Style::new().red().bold()
        } else {
            Style::new()
        }
    };
    Line::from(vec![
        Span::raw(" Answer "),
        Span::styled(
            format!("{} / {}", clock(answer), clock(budget)),
            style(answer, budget),
        ),
        Span::raw("   Round "),
        Span::styled(
            format!("{} / {}", clock(stage), clock(stage_budget)),
            style(stage, stage_budget),
        ),
        Span::raw(format!("   Session {}", clock(interview.active(now)))),
        Span::raw(if interview.is_paused() {
            "   (paused)"
        } else {
            ""
        }),
    ])
}
