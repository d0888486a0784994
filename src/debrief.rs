//! The written debrief: a hiring-committee summary of the whole session, written by a model from
//! the grades and streamed to the screen as it is written. `Debriefer` is the seam; without a model
//! there is no written debrief, and the grades speak for themselves.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::llm::{ChatRequest, Format, ModelClient, stream_blocking};
use crate::prompts::{DebriefContext, Prompts};
use crate::transcript::Transcript;

pub trait Debriefer: Send + Sync {
    /// Who writes it, as recorded with the text (`model:NAME`).
    fn identity(&self) -> String;

    /// Writes the debrief; `progress` gets the text so far. The error is one sentence.
    fn write(
        &self,
        transcript: &Transcript,
        progress: &mut (dyn FnMut(&str) + Send),
        cancel: &CancellationToken,
    ) -> Result<String, String>;
}

pub struct ModelDebriefer {
    client: ModelClient,
    prompts: Arc<Prompts>,
}

impl ModelDebriefer {
    pub fn new(client: ModelClient, prompts: Arc<Prompts>) -> Self {
        ModelDebriefer { client, prompts }
    }
}

impl Debriefer for ModelDebriefer {
    fn identity(&self) -> String {
        format!("model:{}", self.client.model())
    }

    fn write(
        &self,
        transcript: &Transcript,
        progress: &mut (dyn FnMut(&str) + Send),
        cancel: &CancellationToken,
    ) -> Result<String, String> {
        let context = DebriefContext::new(transcript);
        let render = |name| {
            self.prompts
                .render(name, &context)
                .map_err(|e| e.to_string())
        };
        let chat = ChatRequest {
            system: render("debrief-system.md")?,
            user: render("debrief-user.md")?,
            temperature: 0.3,
            max_tokens: Some(1500),
            format: Format::Text,
        };
        let completion = stream_blocking(&self.client, &chat, progress, cancel).map_err(|e| {
            format!(
                "The written debrief could not be finished ({e}); the grades above are complete."
            )
        })?;
        Ok(completion.text.trim().to_string())
    }
}
