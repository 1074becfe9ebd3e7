//! A progress bar for long imports, drawn only when standard error is a terminal.

use std::io::IsTerminal;

use avance_core::lang::Lang;
use avance_import::progress::Step;
use indicatif::{ProgressBar, ProgressStyle};

pub struct Bar {
    bar: Option<ProgressBar>,
    lang: Lang,
}

impl Bar {
    /// A bar with a message, or nothing when standard error is not a terminal.
    pub fn new(message: &str, lang: Lang) -> Bar {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            // Only the message until there is something to measure.
            if let Ok(style) = ProgressStyle::with_template("{msg}") {
                bar.set_style(style);
            }
            bar.set_message(message.to_string());
            bar
        });
        Bar { bar, lang }
    }

    pub fn step(&mut self, step: Step) {
        let Some(bar) = &self.bar else { return };
        match step {
            Step::Extracting => {
                bar.set_style(ProgressStyle::default_spinner());
                bar.set_message(
                    self.lang.pick("Extrayendo el texto del PDF…", "Extracting the PDF's text…").to_string(),
                );
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
            }
            Step::Reading { done, total } => {
                if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.set_message(self.lang.pick("Leyendo", "Reading").to_string());
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
