//! The terminal UI (ratatui): a home screen, the interview screen and the debrief. Keys, ticks
//! and worker replies all arrive on one channel; the screen is drawn from `App` alone.

mod app;
mod debrief;
mod home;
mod interview;
mod terminal;

pub use app::{App, Msg};
pub use terminal::run;

use crate::interview::Plan;

/// Where the UI opens.
pub enum Start {
    Home,
    Plan { plan: Plan, follow_ups: u32 },
}

/// Draws the whole screen from state.
pub fn draw(frame: &mut ratatui::Frame, app: &App) {
    match &app.screen {
        app::Screen::Home(home) => home::draw(frame, app, home),
        app::Screen::Interview(view) => interview::draw(frame, app, view),
        app::Screen::Debrief(view) => debrief::draw(frame, app, view),
    }
}
