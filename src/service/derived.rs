//! The vector indexes saved beside the store (`<data-dir>/vectors.bin`), so a start-up reads one
//! file instead of hundreds of thousands of cached embeddings. The file is derived state: it is
//! stamped with the KB version and model it was built for and ignored (then rewritten) when
//! either differs, so a stale or damaged file costs time, never correctness.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::vector::VectorIndex;

const MAGIC: &[u8; 8] = b"AGVEC\x00\x00\x02";

/// What a saved file must have been built for to be used: this store, this KB version, this
/// model.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    pub store: u64,
    pub kb_version: u64,
    pub model: String,
}

/// Where the vector indexes are saved.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("vectors.bin")
}

/// The question-form and text indexes saved for `stamp`, if the file holds exactly those.
pub fn load(path: &Path, stamp: &Stamp) -> Option<(VectorIndex, VectorIndex)> {
    let bytes = std::fs::read(path).ok()?;
    let mut at = 0usize;
    let mut take = |n: usize| -> Option<&[u8]> {
        let slice = bytes.get(at..at.checked_add(n)?)?;
        at += n;
        Some(slice)
    };
    if take(8)? != MAGIC {
        return None;
    }
    let store = u64::from_le_bytes(take(8)?.try_into().ok()?);
    let version = u64::from_le_bytes(take(8)?.try_into().ok()?);
    let model_len = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
    if store != stamp.store
        || version != stamp.kb_version
        || take(model_len)? != stamp.model.as_bytes()
    {
        return None;
    }
    let mut index = || -> Option<VectorIndex> {
        let len = u64::from_le_bytes(take(8)?.try_into().ok()?) as usize;
        VectorIndex::from_bytes(take(len)?)
    };
    let questions = index()?;
    let text = index()?;
    (at == bytes.len()).then_some((questions, text))
}

/// Saves the indexes atomically (temporary file, then rename). Failure only costs the next
/// start-up time, so the caller logs it and carries on.
pub fn save(
    path: &Path,
    stamp: &Stamp,
    questions: &VectorIndex,
    text: &VectorIndex,
) -> std::io::Result<()> {
    let temp = path.with_extension("bin.tmp");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&temp)?);
    file.write_all(MAGIC)?;
    file.write_all(&stamp.store.to_le_bytes())?;
    file.write_all(&stamp.kb_version.to_le_bytes())?;
    file.write_all(&(stamp.model.len() as u32).to_le_bytes())?;
    file.write_all(stamp.model.as_bytes())?;
    for index in [questions, text] {
        let bytes = index.to_bytes();
        file.write_all(&(bytes.len() as u64).to_le_bytes())?;
        file.write_all(&bytes)?;
    }
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(temp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_indexes_load_only_for_their_store_version_and_model() {
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path());
        let mut questions = VectorIndex::new(2);
        questions.push_owner(0, [[0.6f32, 0.8].as_slice()]);
        let text = VectorIndex::new(2);
        let stamp = Stamp {
            store: 1,
            kb_version: 7,
            model: "m".into(),
        };
        save(&file, &stamp, &questions, &text).unwrap();
        let (q, t) = load(&file, &stamp).expect("loads");
        assert_eq!(q.len(), 1);
        assert!(t.is_empty());
        for other in [
            Stamp {
                store: 2,
                ..stamp.clone()
            },
            Stamp {
                kb_version: 8,
                ..stamp.clone()
            },
            Stamp {
                model: "other".into(),
                ..stamp.clone()
            },
        ] {
            assert!(load(&file, &other).is_none(), "{other:?}");
        }
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&file, bytes).unwrap();
        assert!(load(&file, &stamp).is_none());
    }
}
