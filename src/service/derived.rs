//! The vector indexes saved beside the store (`<data-dir>/vectors.bin`), so a start-up reads one
//! file instead of hundreds of thousands of cached embeddings. The file is derived state: it is
//! stamped with the KB version and model it was built for and ignored (then rewritten) when
//! either differs, so a stale or damaged file costs time, never correctness.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::vector::VectorIndex;

const MAGIC: &[u8; 8] = b"AGVEC\x00\x00\x01";

/// Where the vector indexes are saved.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("vectors.bin")
}

/// The question-form and text indexes saved for `kb_version` and `model`, if the file holds
/// exactly those.
pub fn load(path: &Path, kb_version: u64, model: &str) -> Option<(VectorIndex, VectorIndex)> {
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
    let version = u64::from_le_bytes(take(8)?.try_into().ok()?);
    let model_len = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
    if version != kb_version || take(model_len)? != model.as_bytes() {
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
    kb_version: u64,
    model: &str,
    questions: &VectorIndex,
    text: &VectorIndex,
) -> std::io::Result<()> {
    let temp = path.with_extension("bin.tmp");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&temp)?);
    file.write_all(MAGIC)?;
    file.write_all(&kb_version.to_le_bytes())?;
    file.write_all(&(model.len() as u32).to_le_bytes())?;
    file.write_all(model.as_bytes())?;
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
    fn saved_indexes_load_only_for_their_version_and_model() {
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path());
        let mut questions = VectorIndex::new(2);
        questions.push_owner(0, [[0.6f32, 0.8].as_slice()]);
        let text = VectorIndex::new(2);
        save(&file, 7, "m", &questions, &text).unwrap();
        let (q, t) = load(&file, 7, "m").expect("loads");
        assert_eq!(q.len(), 1);
        assert!(t.is_empty());
        assert!(load(&file, 8, "m").is_none());
        assert!(load(&file, 7, "other").is_none());
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&file, bytes).unwrap();
        assert!(load(&file, 7, "m").is_none());
    }
}
