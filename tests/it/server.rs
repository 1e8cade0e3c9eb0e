//! The real `answergraph serve` on port 0 over a temporary copy of the demo KB, and a small
//! blocking HTTP client for it. The server can be stopped (SIGTERM or SIGKILL) and restarted on
//! the same data directory. The server process is killed when the fixture is dropped; if the
//! test is failing, the server's log (of every start) is printed first.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::*;

/// Keys every test server knows (through `ANSWERGRAPH_KEYS`).
pub const KEYS: &str = "admin:test-admin-key,editor:test-editor-key,reader:test-reader-key";
pub const ADMIN: &str = "test-admin-key";
pub const EDITOR: &str = "test-editor-key";
pub const READER: &str = "test-reader-key";

pub struct Server {
    child: Child,
    pub base: String,
    pub data: TempDir,
    config: Option<PathBuf>,
    /// Extra environment variables, kept for restarts.
    env: Vec<(String, String)>,
    stdout: Mutex<Receiver<String>>,
    log: PathBuf,
    _log_dir: TempDir,
    agent: ureq::Agent,
}

/// A response: status, content type and body (as text, and as sent for binary bodies).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Requires `status` and returns the JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        self.json()
    }

    /// Requires an error response with `status` and `code` in the JSON error format.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> Value {
        let body = self.expect(status);
        assert_eq!(body["code"], code, "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        assert!(self.content_type.starts_with("application/json"));
        body
    }
}

impl Server {
    /// A server over a fresh copy of the demo KB.
    pub fn start() -> Server {
        Self::start_in(demo_data_dir(), None)
    }

    /// A server over `data`, with an optional config file.
    pub fn start_in(data: TempDir, config: Option<&Path>) -> Server {
        Self::start_with(data, config, &[])
    }

    /// A server over `data`, with an optional config file and extra environment variables
    /// (such as `RUST_LOG`).
    pub fn start_with(data: TempDir, config: Option<&Path>, env: &[(&str, &str)]) -> Server {
        let log_dir = temp();
        let log = log_dir.path().join("server.log");
        let config = config.map(Path::to_path_buf);
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (child, stdout) = launch(data.path(), config.as_deref(), &env, &log);
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .new_agent();
        let mut server = Server {
            child,
            base: String::new(),
            data,
            config,
            env,
            stdout: Mutex::new(stdout),
            log,
            _log_dir: log_dir,
            agent,
        };
        server.wait_until_ready();
        server
    }

    /// Starts the server again on the same data directory and configuration, once the previous
    /// process has exited (see [`Server::wait_exit`]). The new process listens on a new port;
    /// its log is appended to the old one.
    pub fn restart(&mut self) {
        let (child, stdout) = launch(
            self.data.path(),
            self.config.as_deref(),
            &self.env,
            &self.log,
        );
        self.child = child;
        *self.stdout.lock().unwrap() = stdout;
        self.wait_until_ready();
    }

    /// Reads the listening address, then waits until the KB has loaded.
    fn wait_until_ready(&mut self) {
        let listening = self.wait_for_line("listening on http://");
        self.base = listening
            .trim_start_matches("listening on ")
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        self.wait_for_line("ready: ");
    }

    /// Waits (up to a minute) for a stdout line starting with `prefix`.
    #[track_caller]
    pub fn wait_for_line(&self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.lock().unwrap().recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => {}
                Err(e) => panic!(
                    "no `{prefix}` line from the server ({e}); log:\n{}",
                    self.log_text()
                ),
            }
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a request; `key` goes in `Authorization: Bearer`.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        self.try_call(method, path, key, body)
            .unwrap_or_else(|e| panic!("{method} {path} failed: {e}"))
    }

    /// Sends a request with an `Authorization` header of any form.
    pub fn call_with_authorization(&self, method: &str, path: &str, value: &str) -> Reply {
        self.request(method, path, &[("Authorization", value)], Vec::new())
    }

    /// Sends a request with these headers and no body.
    pub fn call_with_headers(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.request(method, path, headers, Vec::new())
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Reply {
        self.try_request(method, path, headers, body)
            .unwrap_or_else(|e| panic!("{method} {path} failed: {e}"))
    }

    /// Like [`Server::call`], but a request that gets no complete response (the server died,
    /// refused the connection) is an `Err` instead of a panic.
    pub fn try_call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Reply, ureq::Error> {
        let authorization = key.map(|key| format!("Bearer {key}"));
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(value) = &authorization {
            headers.push(("Authorization", value));
        }
        let bytes = match body {
            Some((content_type, bytes)) => {
                headers.push(("Content-Type", content_type));
                bytes
            }
            None => Vec::new(),
        };
        self.try_request(method, path, &headers, bytes)
    }

    fn try_request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Reply, ureq::Error> {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = self.agent.run(request.body(body).unwrap())?;
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(256 * 1024 * 1024)
            .read_to_vec()?;
        Ok(Reply {
            status: response.status().as_u16(),
            content_type,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        })
    }

    pub fn get(&self, path: &str, key: Option<&str>) -> Reply {
        self.call("GET", path, key, None)
    }

    pub fn send_json(&self, method: &str, path: &str, key: Option<&str>, body: &Value) -> Reply {
        self.call(
            method,
            path,
            key,
            Some(("application/json", body.to_string().into_bytes())),
        )
    }

    pub fn post(&self, path: &str, key: Option<&str>, body: &Value) -> Reply {
        self.send_json("POST", path, key, body)
    }

    /// The published KB version (from `/readyz`).
    pub fn kb_version(&self) -> u64 {
        self.get("/readyz", None).expect(200)["kb_version"]
            .as_u64()
            .unwrap()
    }

    /// Sends SIGTERM and waits (up to 60 s) for the process to exit.
    pub fn terminate(&mut self) -> ExitStatus {
        self.signal_terminate();
        self.wait_exit()
    }

    /// Sends SIGTERM without waiting for the process to exit.
    pub fn signal_terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Sends SIGKILL without waiting: the process gets no chance to finish a request, flush or
    /// clean up.
    pub fn signal_kill(&self) {
        let status = std::process::Command::new("kill")
            .args(["-KILL", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (up to 60 s) for the process to exit on its own.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit; log:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- server log ({}) ---\n{}", self.base, self.log_text());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `answergraph serve` on `data` with stderr appended to `log`; returns the process and
/// a channel carrying its stdout lines.
fn launch(
    data: &Path,
    config: Option<&Path>,
    env: &[(String, String)],
    log: &Path,
) -> (Child, Receiver<String>) {
    let mut command = answergraph(data);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let stderr = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let mut child = command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("ANSWERGRAPH_KEYS", KEYS)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("the server starts");
    let (sender, stdout) = mpsc::channel();
    let pipe = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    (child, stdout)
}

/// Percent-encodes a node id for a URL path (`/` → `%2F`).
pub fn encoded(id: &str) -> String {
    id.replace('/', "%2F")
}
