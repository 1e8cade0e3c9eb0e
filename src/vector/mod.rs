//! Dense top-k over embeddings: derived state, rebuilt from the store's cached vectors.
//!
//! A [`VectorIndex`] holds unit vectors in one contiguous row-major matrix. Each vector belongs to
//! an owner (the caller's node slot) and an owner may have several vectors (a node's name and each
//! alias); a search scores every vector and keeps each owner's best. The scan is exact; the
//! interface (`search` with a k and a filter) is what an approximate index would also offer.
//!
//! This module is pure computation: no IO, no knowledge of nodes, sled, tantivy or ONNX.

/// One owner's best similarity to the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VectorHit {
    pub owner: u32,
    pub score: f32,
}

#[derive(Debug, Clone)]
struct Group {
    owner: u32,
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Default)]
pub struct VectorIndex {
    dim: usize,
    data: Vec<f32>,
    groups: Vec<Group>,
}

impl VectorIndex {
    pub fn new(dim: usize) -> Self {
        Self {
            dim,
            data: Vec::new(),
            groups: Vec::new(),
        }
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of vectors.
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Adds the vectors of one owner. Owners must be added in increasing order. Panics if a
    /// vector's length is not `dim` (a programming error: vectors come from an embedder of this
    /// dimension).
    pub fn push_owner<'a>(&mut self, owner: u32, vectors: impl IntoIterator<Item = &'a [f32]>) {
        let start = self.len() as u32;
        for vector in vectors {
            assert_eq!(vector.len(), self.dim, "vector of the wrong dimension");
            self.data.extend_from_slice(vector);
        }
        let end = self.len() as u32;
        debug_assert!(self.groups.last().is_none_or(|g| g.owner < owner));
        if end > start {
            self.groups.push(Group { owner, start, end });
        }
    }

    /// The vectors stored for `owner`.
    pub fn owner_vectors(&self, owner: u32) -> impl Iterator<Item = &[f32]> {
        let range = match self.groups.binary_search_by_key(&owner, |g| g.owner) {
            Ok(i) => self.groups[i].start as usize..self.groups[i].end as usize,
            Err(_) => 0..0,
        };
        range.map(move |row| &self.data[row * self.dim..(row + 1) * self.dim])
    }

    /// The `k` owners most similar to `query` (best vector per owner), best first, among owners
    /// for which `allow` is true.
    pub fn search(&self, query: &[f32], k: usize, allow: &dyn Fn(u32) -> bool) -> Vec<VectorHit> {
        if k == 0 || query.len() != self.dim || self.groups.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<VectorHit> = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            if !allow(group.owner) {
                continue;
            }
            let mut best = f32::NEG_INFINITY;
            for row in group.start..group.end {
                let at = row as usize * self.dim;
                best = best.max(dot(query, &self.data[at..at + self.dim]));
            }
            hits.push(VectorHit {
                owner: group.owner,
                score: best,
            });
        }
        let by_score =
            |a: &VectorHit, b: &VectorHit| b.score.total_cmp(&a.score).then(a.owner.cmp(&b.owner));
        if hits.len() > k {
            hits.select_nth_unstable_by(k - 1, by_score);
            hits.truncate(k);
        }
        hits.sort_by(by_score);
        hits
    }
}

/// Dot product written so the compiler vectorises it (eight independent accumulators).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let chunks_a = a.chunks_exact(8);
    let chunks_b = b.chunks_exact(8);
    let tail: f32 = chunks_a
        .remainder()
        .iter()
        .zip(chunks_b.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in chunks_a.zip(chunks_b) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn best_vector_per_owner_then_top_k() {
        let mut index = VectorIndex::new(3);
        index.push_owner(
            7,
            [
                unit(&[1.0, 0.0, 0.0]).as_slice(),
                unit(&[0.0, 1.0, 0.0]).as_slice(),
            ],
        );
        index.push_owner(9, [unit(&[0.7, 0.7, 0.0]).as_slice()]);
        index.push_owner(11, [unit(&[0.0, 0.0, 1.0]).as_slice()]);
        let hits = index.search(&unit(&[0.0, 1.0, 0.0]), 2, &|_| true);
        assert_eq!(hits.iter().map(|h| h.owner).collect::<Vec<_>>(), [7, 9]);
        assert!((hits[0].score - 1.0).abs() < 1e-6);
        let filtered = index.search(&unit(&[0.0, 1.0, 0.0]), 5, &|owner| owner != 7);
        assert_eq!(
            filtered.iter().map(|h| h.owner).collect::<Vec<_>>(),
            [9, 11]
        );
    }

    #[test]
    fn dot_handles_tails() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        let expected: f32 = a.iter().map(|x| x * x).sum();
        assert_eq!(dot(&a, &a), expected);
    }
}
