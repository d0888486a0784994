//! What goes into the interview state machine and what comes out: events, effects, phases,
//! warnings and rejections. Plain data, so that front ends and tests can build and match them.

use crate::scoring::Score;

/// Milliseconds since the session started (wall time, pauses included).
pub type Millis = u64;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Start {
        at: Millis,
    },
    /// The answer to the current question or follow-up. A blank answer skips it.
    Submit {
        at: Millis,
        text: String,
    },
    Skip {
        at: Millis,
    },
    Pause {
        at: Millis,
    },
    Resume {
        at: Millis,
    },
    Tick {
        at: Millis,
    },
    /// The candidate ends the session. What they had typed but not submitted is kept.
    End {
        at: Millis,
        draft: Option<String>,
    },
    /// The interviewer's follow-up so far, while it is being written.
    FollowUpText {
        ticket: u64,
        text: String,
    },
    /// The interviewer's next probe for a question, or none, and a sentence for the candidate if
    /// something went wrong choosing it.
    FollowUpReady {
        at: Millis,
        ticket: u64,
        probe: Option<String>,
        notice: Option<String>,
    },
    Scored {
        ticket: u64,
        score: Box<Score>,
    },
    /// The written debrief is finished.
    DebriefWritten {
        by: String,
        text: String,
    },
    ScoreFailed {
        ticket: u64,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Put this turn of this question in front of the candidate.
    Ask {
        question: usize,
        turn: usize,
    },
    /// Write the transcript now.
    Persist,
    /// Grade everything said for a question.
    Score {
        ticket: u64,
        question: usize,
        answer: String,
    },
    /// Choose a follow-up for a question; `asked` holds the probes already asked.
    FindFollowUp {
        ticket: u64,
        question: usize,
        answer: String,
        asked: Vec<String>,
    },
    /// The follow-up being chosen is no longer wanted (the candidate moved on).
    CancelFollowUp {
        ticket: u64,
    },
    Warn(Warning),
    /// One sentence for the candidate about something that went wrong and what was done instead.
    Notice(String),
    /// The interview is over (completed or ended early).
    Finished,
    /// Every answered question has its grade: the debrief can be shown.
    DebriefReady,
    /// The event was not accepted in this state; nothing changed.
    Rejected(Rejection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// The current answer has used its time budget.
    AnswerOverTime { question: usize },
    /// The current round has used its time budget.
    RoundOverTime { stage: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    NotStarted,
    AlreadyStarted,
    Paused,
    NotPaused,
    WaitingForInterviewer,
    Finished,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    NotStarted,
    /// The candidate is answering turn `turn` of question `question`.
    Answering {
        question: usize,
        turn: usize,
    },
    /// The interviewer is choosing a follow-up.
    AwaitingFollowUp {
        question: usize,
        ticket: u64,
    },
    Finished,
}

impl PartialOrd for Warning {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Warning {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let key = |w: &Warning| match *w {
            Warning::AnswerOverTime { question } => (0, question),
            Warning::RoundOverTime { stage } => (1, stage),
        };
        key(self).cmp(&key(other))
    }
}
