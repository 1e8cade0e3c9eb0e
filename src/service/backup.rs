//! Backups and restores of a data directory's store.
//!
//! A backup is one file in the format of [`crate::store::backup`] (every tree, a format version
//! and a sha256 over it all), taken at one KB version: the CLI holds the store alone
//! ([`Admin::backup`]); a running [`KnowledgeBase`] holds its write lock while dumping
//! ([`KnowledgeBase::backup`]), so no batch lands halfway through it. The file is written under
//! a temporary name next to its target, synced and renamed into place: a backup path never holds
//! a partial file.
//!
//! A restore ([`Admin::restore`]) refuses a data directory that holds anything unless forced,
//! checks the backup's format version and checksum before writing anything, loads it into a new
//! store in a staging directory inside the data directory and only then moves it into place. The
//! text index is removed before the new store moves in, so it can never be mistaken for the
//! restored KB's; it is rebuilt at the next open, and vectors come from the restored embedding
//! cache. A refused or failed restore leaves the data directory as it was.

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::config::Settings;
use crate::store::backup::{verify, BackupError, BackupInfo};
use crate::store::{Store, StoreError};

use super::admin::Admin;
use super::{KnowledgeBase, Result, ServiceError};

/// A file in a data directory that is not state: restoring next to it needs no `--force`.
const DATA_DIR_README: &str = "README.md";
const STAGING_DIR: &str = ".restore-staging";

#[derive(Debug, Clone, Serialize)]
pub struct BackupSummary {
    pub path: PathBuf,
    #[serde(flatten)]
    pub info: BackupInfo,
    pub took_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestoreSummary {
    pub data_dir: PathBuf,
    pub backup: PathBuf,
    #[serde(flatten)]
    pub info: BackupInfo,
    /// An existing store was replaced (forced).
    pub replaced: bool,
    pub took_ms: f64,
}

impl Admin {
    /// Writes a backup of the whole store to the file `out` (replacing it atomically if it
    /// exists). Fails when `out` is a directory or cannot be written, or the store cannot be
    /// read.
    pub fn backup(&self, out: &Path) -> Result<BackupSummary> {
        backup(&self.store, out)
    }

    /// Restores the backup file `backup` into `settings.data_dir` as a new store. Fails with
    /// [`ServiceError::BadRequest`] when the data directory holds anything (other than its
    /// README) and `force` is not set, [`ServiceError::Input`] when the file is not a backup,
    /// has an unsupported format version, is damaged or truncated, and [`ServiceError::Busy`]
    /// when another process uses the store it would replace. In every failure the data
    /// directory is left as it was.
    pub fn restore(settings: &Settings, backup: &Path, force: bool) -> Result<RestoreSummary> {
        let started = Instant::now();
        let data_dir = &settings.data_dir;
        let occupants = occupants(data_dir);
        if !occupants.is_empty() && !force {
            return Err(ServiceError::bad_request(
                "data-dir",
                format!(
                    "{} is not empty (it holds {}); restore into an empty directory, or pass --force to replace its knowledge base",
                    data_dir.display(),
                    occupants.join(", ")
                ),
            ));
        }
        let refuse = |e: BackupError| refused(backup, e);
        let open = || {
            File::open(backup)
                .map(BufReader::new)
                .map_err(|e| refuse(e.into()))
        };
        let verified = verify(open()?).map_err(refuse)?;

        let store_dir = settings.store_dir();
        let replaced = store_dir.exists();
        if replaced {
            // Refuse to pull the store from under a running process. A store that does not
            // open for any other reason is what is being replaced, so that is no obstacle.
            if let Err(e @ StoreError::Locked { .. }) = Store::open(&store_dir) {
                return Err(e.into());
            }
        }
        let write_err = |path: &Path, e: std::io::Error| {
            ServiceError::Internal(format!("cannot write {}: {e}", path.display()))
        };
        let created = !data_dir.exists();
        let staging = data_dir.join(STAGING_DIR);
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| write_err(&staging, e))?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| write_err(&staging, e))?;
        let loaded = match Store::restore_from(&staging.join("db"), open()?) {
            Ok(info) if info.sha256 == verified.sha256 => Ok(info),
            Ok(_) => Err(ServiceError::Input {
                path: backup.display().to_string(),
                reason: "the file changed while it was being restored; nothing was changed".into(),
            }),
            Err(e) => Err(refuse(e)),
        };
        let info = match loaded {
            Ok(info) => info,
            Err(e) => {
                let _ = std::fs::remove_dir_all(if created { data_dir } else { &staging });
                return Err(e);
            }
        };

        // Derived state first: a text index, vector or graph file left behind could claim the
        // restored KB version.
        let text_dir = settings.text_dir();
        if text_dir.exists() {
            std::fs::remove_dir_all(&text_dir).map_err(|e| write_err(&text_dir, e))?;
        }
        for derived_file in [
            super::derived::path(&settings.data_dir),
            super::derived_graph::path(&settings.data_dir),
        ] {
            if derived_file.exists() {
                std::fs::remove_file(&derived_file).map_err(|e| write_err(&derived_file, e))?;
            }
        }
        if replaced {
            let aside = staging.join("replaced-db");
            std::fs::rename(&store_dir, &aside).map_err(|e| write_err(&store_dir, e))?;
        }
        std::fs::rename(staging.join("db"), &store_dir).map_err(|e| write_err(&store_dir, e))?;
        std::fs::remove_dir_all(&staging).map_err(|e| write_err(&staging, e))?;
        sync_dir(data_dir).map_err(|e| write_err(data_dir, e))?;
        Ok(RestoreSummary {
            data_dir: data_dir.clone(),
            backup: backup.to_path_buf(),
            info,
            replaced,
            took_ms: started.elapsed().as_secs_f64() * 1e3,
        })
    }
}

/// A backup in an anonymous temporary file, read from its start: for handing to a client
/// (`POST /v1/admin/backup`) without ever naming a file that could be left behind.
#[derive(Debug)]
pub struct BackupFile {
    pub file: File,
    pub info: BackupInfo,
}

impl KnowledgeBase {
    /// Writes a backup of the whole store to the file `out` while holding the write lock, so it
    /// holds exactly one KB version; writes wait meanwhile, reads do not. Fails like
    /// [`Admin::backup`].
    pub fn backup(&self, out: &Path) -> Result<BackupSummary> {
        let _writer = self.write_lock.lock();
        self.query_log.flush()?;
        backup(&self.store, out)
    }

    /// Writes a backup like [`KnowledgeBase::backup`], but into an anonymous temporary file in
    /// the data directory (it has no name, so nothing is left there even if the process dies),
    /// rewound for reading. Fails when the file cannot be created or written, or the store
    /// cannot be read.
    pub fn backup_to_temp(&self) -> Result<BackupFile> {
        let dir = &self.settings.data_dir;
        let write_err = |e: std::io::Error| {
            ServiceError::Internal(format!("cannot write a backup in {}: {e}", dir.display()))
        };
        let mut file = tempfile::tempfile_in(dir).map_err(write_err)?;
        let info = {
            let _writer = self.write_lock.lock();
            self.query_log.flush()?;
            let mut writer = BufWriter::new(&mut file);
            let info = self.store.write_backup(&mut writer).map_err(|e| match e {
                BackupError::Store(e) => e.into(),
                other => ServiceError::Internal(format!("cannot write a backup: {other}")),
            })?;
            writer.flush().map_err(write_err)?;
            info
        };
        file.seek(SeekFrom::Start(0)).map_err(write_err)?;
        Ok(BackupFile { file, info })
    }
}

/// A backup the user has to replace: why, and that nothing changed.
fn refused(backup: &Path, e: BackupError) -> ServiceError {
    match e {
        BackupError::Store(e) => e.into(),
        other => ServiceError::Input {
            path: backup.display().to_string(),
            reason: format!("{other}; nothing was changed"),
        },
    }
}

/// Entries of `data_dir` that a restore would have to replace (none when it does not exist).
fn occupants(data_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(data_dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != DATA_DIR_README)
        .collect();
    names.sort();
    names
}

fn backup(store: &Store, out: &Path) -> Result<BackupSummary> {
    let started = Instant::now();
    let Some(file_name) = out.file_name().filter(|_| !out.is_dir()) else {
        return Err(ServiceError::bad_request(
            "out",
            format!(
                "{} is a directory; name the backup file, e.g. {}",
                out.display(),
                out.join("kb.agbak").display()
            ),
        ));
    };
    let dir = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let write_err = |path: &Path, e: std::io::Error| {
        ServiceError::Internal(format!("cannot write {}: {e}", path.display()))
    };
    std::fs::create_dir_all(&dir).map_err(|e| write_err(&dir, e))?;
    let temp = dir.join(format!(
        ".{}.tmp-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut writer = BufWriter::new(File::create(&temp).map_err(|e| write_err(&temp, e))?);
        let info = store.write_backup(&mut writer).map_err(|e| match e {
            BackupError::Store(e) => e.into(),
            other => ServiceError::Internal(format!("cannot write {}: {other}", temp.display())),
        })?;
        let file = writer
            .into_inner()
            .map_err(|e| write_err(&temp, e.into_error()))?;
        file.sync_all().map_err(|e| write_err(&temp, e))?;
        Ok(info)
    })();
    let info = match written {
        Ok(info) => info,
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
    };
    std::fs::rename(&temp, out).map_err(|e| write_err(out, e))?;
    sync_dir(&dir).map_err(|e| write_err(&dir, e))?;
    Ok(BackupSummary {
        path: out.to_path_buf(),
        info,
        took_ms: started.elapsed().as_secs_f64() * 1e3,
    })
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}
