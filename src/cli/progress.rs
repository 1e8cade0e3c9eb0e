//! Progress bars on stderr for long work (hidden when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};
use parking_lot::Mutex;

use crate::service::Progress;

#[derive(Default)]
pub struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl Progress for Bars {
    fn start(&self, stage: &str, total: u64) {
        let bar = if total > 0 {
            ProgressBar::new(total).with_style(
                ProgressStyle::with_template(
                    "{msg:>24} [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            )
        } else {
            // A stage of unknown length: a spinner that moves on its own.
            let spinner = ProgressBar::new_spinner();
            spinner.enable_steady_tick(std::time::Duration::from_millis(120));
            spinner
        };
        bar.set_message(stage.to_owned());
        *self.current.lock() = Some(bar);
    }

    fn set(&self, done: u64) {
        if let Some(bar) = &*self.current.lock() {
            bar.set_position(done);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.current.lock().take() {
            bar.finish_and_clear();
        }
    }
}
