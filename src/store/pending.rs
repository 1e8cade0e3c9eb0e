//! A large batch's writes, saved before they are applied in parts, so that a crash part-way
//! through is finished on the next open instead of leaving half a batch.
//!
//! sled applies one `apply_batch` atomically, but a single batch of hundreds of thousands of
//! writes is slow and memory-hungry: every insert clones its leaf, and no clone is freed before
//! the batch ends (a 100k-node import held 7.6 GB). So [`Store::apply`](super::Store::apply)
//! splits a batch larger than its `write_chunk` into sled batches of that many writes, after
//! saving them all to `<store>/pending-batch`. The KB version and the changelog record (the
//! *seal*) go last, in a batch of their own; the file is removed once the database is flushed.
//! [`Store::open`](super::Store::open) finds a leftover file and applies it again: every write sets
//! a key to its final value or removes it, so applying twice is the same as once.
//!
//! The file is written under a temporary name, fsynced and renamed, so it is there whole or
//! not at all. Format version 1; integers are big-endian:
//!
//! | part | bytes |
//! |---|---|
//! | magic | `AGPENDING` |
//! | format version | u32 |
//! | KB version the batch seals | u64 |
//! | writes in the body, then in the seal | u64, u64 |
//! | each write | `P`, u32 key length, key, u32 value length, value; or `D`, u32 key length, key |
//! | checksum | sha256 of every byte before it (32 bytes) |

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::backup::Hashing;

const MAGIC: &[u8; 9] = b"AGPENDING";
const FORMAT_VERSION: u32 = 1;
const CHECKSUM_BYTES: usize = 32;

/// One write: a key set to a value, or removed (`None`).
pub type KeyWrite = (Vec<u8>, Option<Vec<u8>>);

/// A batch's writes: the body (nodes and edges, in key order) and the seal (schema, changelog
/// record, KB version), which must be applied last.
#[derive(Debug, Default, PartialEq)]
pub struct Writes {
    pub version: u64,
    pub body: Vec<KeyWrite>,
    pub seal: Vec<KeyWrite>,
}

impl Writes {
    pub fn len(&self) -> usize {
        self.body.len() + self.seal.len()
    }

    /// Saves the writes to `path`, whole or not at all: a temporary file, fsynced, renamed,
    /// and the directory fsynced.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let temp = path.with_extension("tmp");
        let mut out = Hashing::new(BufWriter::with_capacity(1 << 20, File::create(&temp)?));
        out.put(MAGIC)?;
        out.put(&FORMAT_VERSION.to_be_bytes())?;
        out.put(&self.version.to_be_bytes())?;
        out.put(&(self.body.len() as u64).to_be_bytes())?;
        out.put(&(self.seal.len() as u64).to_be_bytes())?;
        for (key, value) in self.body.iter().chain(&self.seal) {
            out.put(if value.is_some() { b"P" } else { b"D" })?;
            put_bytes(&mut out, key)?;
            if let Some(value) = value {
                put_bytes(&mut out, value)?;
            }
        }
        let checksum = out.hasher.finalize();
        let mut file = out.inner.into_inner().map_err(|e| e.into_error())?;
        file.write_all(&checksum)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)?;
        sync_dir(path)
    }

    /// Reads writes saved by [`Writes::save`]; the error says what is wrong with the file.
    pub fn load(path: &Path) -> Result<Writes, String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let Some(body_end) = bytes.len().checked_sub(CHECKSUM_BYTES) else {
            return Err(format!("{} bytes is too short", bytes.len()));
        };
        if Sha256::digest(&bytes[..body_end]).as_slice() != &bytes[body_end..] {
            return Err("its sha256 checksum does not match".into());
        }
        let mut reader = Reader {
            bytes: &bytes[..body_end],
            at: 0,
        };
        if reader.take(MAGIC.len())? != MAGIC {
            return Err("it does not start with `AGPENDING`".into());
        }
        let format = reader.u32()?;
        if format != FORMAT_VERSION {
            return Err(format!(
                "format version {format} is not supported (this AnswerGraph reads {FORMAT_VERSION})"
            ));
        }
        let version = reader.u64()?;
        let body = reader.u64()? as usize;
        let seal = reader.u64()? as usize;
        let mut writes = Writes {
            version,
            body: Vec::new(),
            seal: Vec::new(),
        };
        for i in 0..body.saturating_add(seal) {
            let tag = reader.take(1)?[0];
            let key = reader.bytes()?.to_vec();
            let value = match tag {
                b'P' => Some(reader.bytes()?.to_vec()),
                b'D' => None,
                other => {
                    return Err(format!(
                        "unknown write tag {other:#04x} at byte {}",
                        reader.at
                    ))
                }
            };
            if i < body {
                writes.body.push((key, value));
            } else {
                writes.seal.push((key, value));
            }
        }
        if reader.at != reader.bytes.len() {
            return Err(format!(
                "{} bytes follow the last write",
                reader.bytes.len() - reader.at
            ));
        }
        Ok(writes)
    }
}

/// Removes a pending file whose writes are all on disk, and makes the removal durable: a file
/// that came back after a crash would be applied over later batches.
pub fn remove(path: &Path) -> std::io::Result<()> {
    std::fs::remove_file(path)?;
    sync_dir(path)
}

fn sync_dir(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) => File::open(dir)?.sync_all(),
        None => Ok(()),
    }
}

fn put_bytes<W: Write>(out: &mut Hashing<W>, bytes: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(bytes.len())
        .map_err(|_| std::io::Error::other("a key or value over 4 GiB"))?;
    out.put(&len.to_be_bytes())?;
    out.put(bytes)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| format!("it ends inside a write at byte {}", self.at))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_be_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_be_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let len = self.u32()? as usize;
        self.take(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Writes {
        Writes {
            version: 7,
            body: vec![
                (b"n\0a".to_vec(), Some(b"{\"x\":1}".to_vec())),
                (b"n\0b".to_vec(), None),
                (b"i\0c".to_vec(), Some(Vec::new())),
            ],
            seal: vec![(b"m\0version".to_vec(), Some(7u64.to_be_bytes().to_vec()))],
        }
    }

    #[test]
    fn saved_writes_load_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending-batch");
        sample().save(&path).unwrap();
        assert_eq!(Writes::load(&path).unwrap(), sample());
        assert!(
            !path.with_extension("tmp").exists(),
            "the temporary file is renamed"
        );
    }

    #[test]
    fn a_damaged_or_truncated_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending-batch");
        sample().save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let mut flipped = bytes.clone();
        flipped[30] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(Writes::load(&path).unwrap_err().contains("checksum"));
        std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        assert!(Writes::load(&path).unwrap_err().contains("checksum"));
        std::fs::write(&path, &bytes[..3]).unwrap();
        assert!(Writes::load(&path).unwrap_err().contains("too short"));
    }
}
