//! Shared fixtures: running the CLI, temporary data directories, a once-imported demo KB that
//! tests copy instead of re-embedding it each time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;
use tempfile::TempDir;

pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

pub fn demo_kb() -> PathBuf {
    Path::new(REPO).join("kg_data/demo")
}

/// The `answergraph` binary on `data_dir` with the repository's models directory (set through
/// the environment, so a test can still pass `--models-dir`) and no inherited configuration.
pub fn answergraph(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_answergraph"));
    for (key, _) in std::env::vars() {
        if key.starts_with("ANSWERGRAPH") {
            command.env_remove(key);
        }
    }
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env("ANSWERGRAPH__MODELS__DIR", Path::new(REPO).join("models"))
        .env_remove("RUST_LOG");
    command
}

/// Runs the CLI and returns its output.
pub fn run(data_dir: &Path, args: &[&str]) -> Output {
    answergraph(data_dir)
        .args(args)
        .output()
        .expect("the answergraph binary runs")
}

/// Runs the CLI, requires success and returns stdout.
pub fn ok(data_dir: &Path, args: &[&str]) -> String {
    succeed(answergraph(data_dir).args(args))
}

/// Runs a prepared CLI command (extra environment, say), requires success and returns stdout.
pub fn succeed(command: &mut Command) -> String {
    let output = command.output().expect("the answergraph binary runs");
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

/// Runs a `--json` command and parses its single JSON object.
pub fn json(data_dir: &Path, args: &[&str]) -> Value {
    let stdout = ok(data_dir, args);
    let mut lines = stdout.lines().filter(|l| !l.trim().is_empty());
    let line = lines.next().expect("one JSON line on stdout");
    assert!(
        lines.next().is_none(),
        "exactly one JSON object expected:\n{stdout}"
    );
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

pub fn stats(data_dir: &Path) -> Value {
    json(data_dir, &["stats", "--json"])
}

/// The KB content part of `stats` (without the on-disk size, which sled changes on every open).
pub fn content(data_dir: &Path) -> Value {
    let mut stats = stats(data_dir);
    stats.as_object_mut().unwrap().remove("data_dir_bytes");
    stats
}

/// A fresh temporary directory.
pub fn temp() -> TempDir {
    tempfile::Builder::new()
        .prefix("answergraph-test-")
        .tempdir()
        .expect("temp dir")
}

/// A data directory holding the demo KB, copied from one imported once per test run.
pub fn demo_data_dir() -> TempDir {
    static TEMPLATE: OnceLock<TempDir> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let dir = temp();
        ok(dir.path(), &["import", demo_kb().to_str().unwrap()]);
        dir
    });
    let copy = temp();
    copy_dir(template.path(), copy.path());
    copy
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Non-empty lines of a file.
pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// Writes a KB folder from a schema and node/edge lines.
pub fn write_kb(dir: &Path, schema: &str, nodes: &[&str], edges: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("schema.yaml"), schema).unwrap();
    std::fs::write(dir.join("nodes.jsonl"), nodes.join("\n") + "\n").unwrap();
    std::fs::write(dir.join("edges.jsonl"), edges.join("\n") + "\n").unwrap();
}

/// A data directory holding the KB that `write` puts into a temporary folder, imported.
pub fn imported(write: impl FnOnce(&Path)) -> TempDir {
    let kb = temp();
    write(kb.path());
    let data = temp();
    ok(data.path(), &["import", kb.path().to_str().unwrap()]);
    data
}

/// Settings for a library-level KB on `data_dir` with the repository's models.
pub fn settings_for(data_dir: &Path) -> answergraph::config::Settings {
    let mut settings = answergraph::config::Settings {
        data_dir: data_dir.to_path_buf(),
        ..Default::default()
    };
    settings.models.dir = Path::new(REPO).join("models");
    settings
}
