//! Backups of the whole store as one self-checking file, and loading one into a fresh store.
//!
//! A backup holds every sled tree (`kb`, `vectors`, `queries`, `feedback`, `sessions` and any
//! other), key by key, so a restored store is the same store: same KB version, changelog,
//! tuned settings, cached embeddings, query log and sessions. Derived state (the text index) is
//! not in it; it is rebuilt when the restored store is first opened.
//!
//! Format version 1; integers are big-endian:
//!
//! | part | bytes |
//! |---|---|
//! | magic | `AGBACKUP` |
//! | format version | u32 |
//! | records | see below |
//! | checksum | sha256 of every byte before it (32 bytes) |
//!
//! | record | layout |
//! |---|---|
//! | metadata (first) | `M`, u32 length, JSON [`BackupMeta`] |
//! | start of a tree | `T`, u16 length, tree name; the `K` records that follow belong to it |
//! | entry | `K`, u32 key length, key, u32 value length, value |
//! | end of a tree | `Z`, u64 number of its `K` records |
//! | end of records | `E` |
//!
//! Reading is in two passes over the file: [`verify`] checks the magic, the format version and
//! the checksum before anything is written; [`Store::restore_from`] then parses the records into
//! a new store (and checks the checksum again, in case the file changed in between). This module
//! does no file naming or renaming; the service decides where backups and stores go.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Store, StoreError};

pub const FORMAT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"AGBACKUP";
const CHECKSUM_BYTES: usize = 32;
/// Entries written to the new store per sled batch while restoring.
const RESTORE_BATCH: usize = 4096;

/// Why a backup could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("not an AnswerGraph backup (it does not start with `AGBACKUP`)")]
    NotABackup,
    #[error(
        "backup format version {found} is not supported; this AnswerGraph reads version {FORMAT_VERSION}"
    )]
    UnsupportedVersion { found: u32 },
    #[error(
        "the backup is damaged or truncated: its sha256 checksum does not match its {size} bytes"
    )]
    ChecksumMismatch { size: u64 },
    #[error("the backup is malformed at byte {offset}: {reason}")]
    Malformed { offset: u64, reason: String },
    /// Reading the backup or writing it failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Reading the source store or writing the restored one failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sled::Error> for BackupError {
    fn from(e: sled::Error) -> Self {
        BackupError::Store(StoreError::Sled(e))
    }
}

/// Written into every backup: when, by what, and at which KB version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupMeta {
    pub created_at: String,
    pub producer: String,
    pub kb_version: u64,
}

/// What a backup holds, as written or as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackupInfo {
    pub format_version: u32,
    #[serde(flatten)]
    pub meta: BackupMeta,
    /// Entries per tree.
    pub trees: BTreeMap<String, u64>,
    /// Size of the whole file.
    pub bytes: u64,
    /// The checksum stored at the end of the file (hex).
    pub sha256: String,
}

/// What [`verify`] established without parsing the records.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub bytes: u64,
    pub sha256: String,
}

/// A writer that hashes and counts what passes through (also used by `pending.rs`).
pub(super) struct Hashing<W> {
    pub(super) inner: W,
    pub(super) hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Hashing<W> {
    pub(super) fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    pub(super) fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
        self.inner.write_all(bytes)
    }
}

impl Store {
    /// Writes every tree of the store to `out` in the backup format. The caller provides the
    /// consistency: the KB must not change meanwhile (the CLI holds the store alone; a running
    /// KB holds its write lock). Fails when the store cannot be read or `out` cannot be written.
    pub fn write_backup(&self, out: impl Write) -> Result<BackupInfo, BackupError> {
        let meta = BackupMeta {
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            producer: format!("answergraph {}", env!("CARGO_PKG_VERSION")),
            kb_version: self.kb_version()?,
        };
        let mut out = Hashing::new(out);
        out.put(MAGIC)?;
        out.put(&FORMAT_VERSION.to_be_bytes())?;
        let meta_json = serde_json::to_vec(&meta).expect("backup metadata serialises");
        out.put(b"M")?;
        out.put(&len_u32(meta_json.len())?.to_be_bytes())?;
        out.put(&meta_json)?;
        let mut names = self.db.tree_names();
        names.sort();
        let mut trees = BTreeMap::new();
        for name in names {
            let name_len = u16::try_from(name.len()).map_err(|_| BackupError::Malformed {
                offset: out.bytes,
                reason: "a tree name is longer than 65535 bytes".into(),
            })?;
            out.put(b"T")?;
            out.put(&name_len.to_be_bytes())?;
            out.put(&name)?;
            let mut count = 0u64;
            for entry in self.db.open_tree(&name)?.iter() {
                let (key, value) = entry?;
                out.put(b"K")?;
                out.put(&len_u32(key.len())?.to_be_bytes())?;
                out.put(&key)?;
                out.put(&len_u32(value.len())?.to_be_bytes())?;
                out.put(&value)?;
                count += 1;
            }
            out.put(b"Z")?;
            out.put(&count.to_be_bytes())?;
            trees.insert(String::from_utf8_lossy(&name).into_owned(), count);
        }
        out.put(b"E")?;
        let digest = out.hasher.finalize_reset();
        out.inner.write_all(&digest)?;
        out.inner.flush()?;
        Ok(BackupInfo {
            format_version: FORMAT_VERSION,
            meta,
            trees,
            bytes: out.bytes + CHECKSUM_BYTES as u64,
            sha256: hex(&digest),
        })
    }

    /// Creates a new store in `dir` (which must not hold one) from a backup. Fails with a
    /// format error when the backup is not one, has another format version, is damaged or
    /// truncated; the caller discards `dir` then. Run [`verify`] first to refuse a bad backup
    /// before creating anything.
    pub fn restore_from(dir: &Path, input: impl Read) -> Result<BackupInfo, BackupError> {
        let mut input = Parser::new(input);
        input.header()?;
        let meta: BackupMeta = match input.tag()? {
            b'M' => {
                let len = input.u32()?;
                let raw = input.bytes(len as usize)?;
                serde_json::from_slice(&raw).map_err(|e| input.malformed(e.to_string()))?
            }
            other => return Err(input.malformed(format!("expected metadata, found {other:?}"))),
        };
        let store = Store::open(dir)?;
        let mut trees = BTreeMap::new();
        loop {
            match input.tag()? {
                b'T' => {
                    let len = input.u16()?;
                    let name = input.bytes(len as usize)?;
                    let tree = store.db.open_tree(&name)?;
                    let count = input.tree_entries(&tree)?;
                    trees.insert(String::from_utf8_lossy(&name).into_owned(), count);
                }
                b'E' => break,
                other => {
                    return Err(
                        input.malformed(format!("expected a tree or the end, found {other:?}"))
                    )
                }
            }
        }
        let (bytes, sha256) = input.finish()?;
        store.db.flush()?;
        Ok(BackupInfo {
            format_version: FORMAT_VERSION,
            meta,
            trees,
            bytes,
            sha256,
        })
    }
}

/// Checks that `input` is a backup this version reads and that its checksum matches, without
/// parsing the records. Fails with [`BackupError::NotABackup`],
/// [`BackupError::UnsupportedVersion`], [`BackupError::ChecksumMismatch`] (damaged or
/// truncated) or an IO error.
pub fn verify(mut input: impl Read) -> Result<Verified, BackupError> {
    let mut header = [0u8; 12];
    let mut hasher = Sha256::new();
    let got = read_up_to(&mut input, &mut header)?;
    check_header(&header[..got])?;
    hasher.update(header);
    // Hash everything but the last 32 bytes, which are the checksum.
    let mut tail: Vec<u8> = Vec::with_capacity(2 * 64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut bytes = header.len() as u64;
    loop {
        let n = input.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        tail.extend_from_slice(&chunk[..n]);
        if tail.len() > CHECKSUM_BYTES {
            let hashed = tail.len() - CHECKSUM_BYTES;
            hasher.update(&tail[..hashed]);
            tail.drain(..hashed);
        }
    }
    let actual = hasher.finalize();
    if tail.len() < CHECKSUM_BYTES || tail[..] != actual[..] {
        return Err(BackupError::ChecksumMismatch { size: bytes });
    }
    Ok(Verified {
        bytes,
        sha256: hex(&actual),
    })
}

fn check_header(header: &[u8]) -> Result<(), BackupError> {
    if header.len() < MAGIC.len() || &header[..MAGIC.len()] != MAGIC {
        return Err(BackupError::NotABackup);
    }
    let Ok(version) = <[u8; 4]>::try_from(&header[MAGIC.len()..]) else {
        return Err(BackupError::ChecksumMismatch {
            size: header.len() as u64,
        });
    };
    match u32::from_be_bytes(version) {
        FORMAT_VERSION => Ok(()),
        found => Err(BackupError::UnsupportedVersion { found }),
    }
}

/// Fills `buf` as far as `input` allows; returns how many bytes were read.
fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn len_u32(len: usize) -> Result<u32, BackupError> {
    u32::try_from(len).map_err(|_| BackupError::Malformed {
        offset: 0,
        reason: format!("a record of {len} bytes does not fit the format"),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads records while hashing what it reads, so the checksum can be compared at the end.
struct Parser<R> {
    input: R,
    hasher: Sha256,
    offset: u64,
}

impl<R: Read> Parser<R> {
    fn new(input: R) -> Self {
        Parser {
            input,
            hasher: Sha256::new(),
            offset: 0,
        }
    }

    fn malformed(&self, reason: impl Into<String>) -> BackupError {
        BackupError::Malformed {
            offset: self.offset,
            reason: reason.into(),
        }
    }

    /// Exactly `len` bytes, hashed. Reads through `take` so that a damaged length cannot make
    /// it allocate more than the file holds.
    fn bytes(&mut self, len: usize) -> Result<Vec<u8>, BackupError> {
        let mut buf = Vec::new();
        (&mut self.input).take(len as u64).read_to_end(&mut buf)?;
        if buf.len() < len {
            return Err(self.malformed(format!(
                "the file ends inside a record ({} of {len} bytes)",
                buf.len()
            )));
        }
        self.hasher.update(&buf);
        self.offset += len as u64;
        Ok(buf)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BackupError> {
        let raw = self.bytes(N)?;
        Ok(raw.try_into().expect("bytes returns exactly N bytes"))
    }

    fn tag(&mut self) -> Result<u8, BackupError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, BackupError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, BackupError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, BackupError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn header(&mut self) -> Result<(), BackupError> {
        let mut header = [0u8; 12];
        let got = read_up_to(&mut self.input, &mut header)?;
        check_header(&header[..got])?;
        self.hasher.update(header);
        self.offset += header.len() as u64;
        Ok(())
    }

    /// The `K` records of one tree up to its `Z` record, inserted into `tree` in batches.
    fn tree_entries(&mut self, tree: &sled::Tree) -> Result<u64, BackupError> {
        let mut count = 0u64;
        let mut batch = sled::Batch::default();
        let mut pending = 0;
        loop {
            match self.tag()? {
                b'K' => {
                    let key_len = self.u32()?;
                    let key = self.bytes(key_len as usize)?;
                    let value_len = self.u32()?;
                    let value = self.bytes(value_len as usize)?;
                    batch.insert(key, value);
                    count += 1;
                    pending += 1;
                    if pending == RESTORE_BATCH {
                        tree.apply_batch(std::mem::take(&mut batch))?;
                        pending = 0;
                    }
                }
                b'Z' => {
                    let expected = self.u64()?;
                    if expected != count {
                        return Err(self.malformed(format!(
                            "the tree ends after {count} entries but says it has {expected}"
                        )));
                    }
                    tree.apply_batch(batch)?;
                    return Ok(count);
                }
                other => {
                    return Err(self.malformed(format!(
                        "expected an entry or the tree's end, found {other:?}"
                    )))
                }
            }
        }
    }

    /// Reads the checksum after the `E` record, compares it and requires the end of the file.
    fn finish(mut self) -> Result<(u64, String), BackupError> {
        let actual = self.hasher.finalize_reset();
        let mut stored = [0u8; CHECKSUM_BYTES];
        let got = read_up_to(&mut self.input, &mut stored)?;
        let size = self.offset + got as u64;
        let mut rest = [0u8; 1];
        if got < CHECKSUM_BYTES || stored[..] != actual[..] || self.input.read(&mut rest)? != 0 {
            return Err(BackupError::ChecksumMismatch { size });
        }
        Ok((size, hex(&actual)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_data(dir: &Path) -> Store {
        let store = Store::open(dir).unwrap();
        store.kb.insert(b"n\0faq/a", b"{}".to_vec()).unwrap();
        store
            .kb
            .insert(super::super::keys::VERSION, 7u64.to_be_bytes().to_vec())
            .unwrap();
        store.vectors.insert(b"v1", vec![0u8; 5000]).unwrap();
        store.sessions.insert(b"s", b"{\"x\":1}".to_vec()).unwrap();
        store
    }

    fn dump(store: &Store) -> Vec<u8> {
        let mut out = Vec::new();
        store.write_backup(&mut out).unwrap();
        out
    }

    /// Every tree's name and entries.
    type Contents = Vec<(Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>)>;

    fn contents(store: &Store) -> Contents {
        let mut names = store.db.tree_names();
        names.sort();
        names
            .into_iter()
            .map(|name| {
                let tree = store.db.open_tree(&name).unwrap();
                let entries = tree
                    .iter()
                    .map(|e| {
                        let (k, v) = e.unwrap();
                        (k.to_vec(), v.to_vec())
                    })
                    .collect();
                (name.to_vec(), entries)
            })
            .collect()
    }

    #[test]
    fn round_trip_restores_every_tree() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_data(&dir.path().join("a"));
        let raw = dump(&store);
        let verified = verify(raw.as_slice()).unwrap();
        assert_eq!(verified.bytes, raw.len() as u64);
        let info = Store::restore_from(&dir.path().join("b"), raw.as_slice()).unwrap();
        assert_eq!(info.meta.kb_version, 7);
        assert_eq!(info.sha256, verified.sha256);
        assert_eq!(info.trees["vectors"], 1);
        assert_eq!(info.trees["kb"], 2);
        assert_eq!(info.bytes, raw.len() as u64);
    }

    #[test]
    fn restored_store_equals_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_data(&dir.path().join("a"));
        let raw = dump(&store);
        Store::restore_from(&dir.path().join("b"), raw.as_slice()).unwrap();
        let restored = Store::open(&dir.path().join("b")).unwrap();
        assert_eq!(contents(&restored), contents(&store));
        assert_eq!(restored.kb_version().unwrap(), 7);
    }

    #[test]
    fn a_restored_store_opens_at_once_in_the_same_process() {
        // Regression: sled let go of its file lock a moment after `restore_from` dropped the
        // store, so an immediate open in the same process failed as "in use".
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_data(&dir.path().join("a"));
        for i in 0..300u32 {
            store
                .vectors
                .insert(i.to_be_bytes(), vec![1u8; 2048])
                .unwrap();
        }
        let raw = dump(&store);
        for i in 0..60 {
            let target = dir.path().join(format!("r{i}"));
            Store::restore_from(&target, raw.as_slice()).unwrap();
            assert_eq!(Store::open(&target).unwrap().kb_version().unwrap(), 7);
        }
    }

    #[test]
    fn any_damage_is_refused_by_verify() {
        let dir = tempfile::tempdir().unwrap();
        let raw = dump(&store_with_data(&dir.path().join("a")));
        for cut in [0, 5, 11, 12, 40, raw.len() / 2, raw.len() - 1] {
            assert!(verify(&raw[..cut]).is_err(), "truncated at {cut}");
        }
        for at in [12, 30, raw.len() / 2, raw.len() - 1] {
            let mut damaged = raw.clone();
            damaged[at] ^= 0x40;
            assert!(
                matches!(
                    verify(damaged.as_slice()),
                    Err(BackupError::ChecksumMismatch { .. })
                ),
                "byte {at} flipped"
            );
            assert!(
                Store::restore_from(&dir.path().join(format!("r{at}")), damaged.as_slice())
                    .is_err()
            );
        }
        let mut newer = raw.clone();
        newer[8..12].copy_from_slice(&2u32.to_be_bytes());
        assert!(matches!(
            verify(newer.as_slice()),
            Err(BackupError::UnsupportedVersion { found: 2 })
        ));
        assert!(matches!(
            verify(&b"hello world, not a backup"[..]),
            Err(BackupError::NotABackup)
        ));
        let mut longer = raw.clone();
        longer.push(0);
        assert!(verify(longer.as_slice()).is_err());
    }
}
