//! Dense top-k over embeddings: derived state, rebuilt from the store's cached vectors.
//!
//! A [`VectorIndex`] holds unit vectors quantised to `i8` with one scale per row, in one
//! contiguous row-major matrix: a quarter of the memory of `f32` (100k nodes × 4 vectors × 512
//! dimensions is 200 MB instead of 800 MB) and four times the values per memory read, with a
//! cosine error around 0.005 — far below what separates answers. Each vector belongs to an owner
//! (the caller's node slot) and an owner may have several vectors (a node's name and each
//! alias); a search scores every vector and keeps each owner's best. The scan is exact; the
//! interface (`search` with a k and a filter) is what an approximate index would also offer.
//!
//! This module is pure computation: no IO, no knowledge of nodes, sled, tantivy or ONNX.

mod simd;

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

/// A vector quantised to `i8`: `value ≈ codes[i] * scale`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantized {
    pub codes: Vec<i8>,
    pub scale: f32,
}

impl Quantized {
    pub fn of(vector: &[f32]) -> Quantized {
        let max = vector.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        Quantized {
            codes: vector.iter().map(|x| (x / scale).round() as i8).collect(),
            scale,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct VectorIndex {
    dim: usize,
    codes: Vec<i8>,
    scales: Vec<f32>,
    groups: Vec<Group>,
}

impl VectorIndex {
    pub fn new(dim: usize) -> Self {
        Self {
            dim,
            ..Self::default()
        }
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of vectors.
    pub fn len(&self) -> usize {
        self.scales.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scales.is_empty()
    }

    /// Bytes of vector data held.
    pub fn bytes(&self) -> usize {
        self.codes.len() + self.scales.len() * 4
    }

    /// Adds the vectors of one owner. Owners must be added in increasing order. Panics if a
    /// vector's length is not `dim` (a programming error: vectors come from an embedder of this
    /// dimension).
    pub fn push_owner<'a>(&mut self, owner: u32, vectors: impl IntoIterator<Item = &'a [f32]>) {
        self.push_quantized(owner, vectors.into_iter().map(Quantized::of));
    }

    /// Adds already quantised vectors of one owner (copying from another index).
    pub fn push_quantized(&mut self, owner: u32, vectors: impl IntoIterator<Item = Quantized>) {
        let start = self.len() as u32;
        for vector in vectors {
            assert_eq!(
                vector.codes.len(),
                self.dim,
                "vector of the wrong dimension"
            );
            self.codes.extend_from_slice(&vector.codes);
            self.scales.push(vector.scale);
        }
        let end = self.len() as u32;
        debug_assert!(self.groups.last().is_none_or(|g| g.owner < owner));
        if end > start {
            self.groups.push(Group { owner, start, end });
        }
    }

    /// The (quantised) vectors stored for `owner`.
    pub fn owner_vectors(&self, owner: u32) -> impl Iterator<Item = Quantized> + '_ {
        let range = match self.groups.binary_search_by_key(&owner, |g| g.owner) {
            Ok(i) => self.groups[i].start as usize..self.groups[i].end as usize,
            Err(_) => 0..0,
        };
        range.map(move |row| Quantized {
            codes: self.codes[row * self.dim..(row + 1) * self.dim].to_vec(),
            scale: self.scales[row],
        })
    }

    /// The best cosine between `query` and any vector of `owner` (0 when it has none).
    pub fn owner_best(&self, owner: u32, query: &Quantized) -> f32 {
        match self.groups.binary_search_by_key(&owner, |g| g.owner) {
            Ok(i) => {
                let group = &self.groups[i];
                (group.start..group.end)
                    .map(|row| self.row_score(row as usize, query))
                    .fold(0.0, f32::max)
            }
            Err(_) => 0.0,
        }
    }

    fn row_score(&self, row: usize, query: &Quantized) -> f32 {
        let codes = &self.codes[row * self.dim..(row + 1) * self.dim];
        simd::dot_i8(codes, &query.codes) as f32 * self.scales[row] * query.scale
    }

    /// The `k` owners most similar to `query` (best vector per owner), best first, among owners
    /// for which `allow` is true.
    pub fn search(&self, query: &[f32], k: usize, allow: &dyn Fn(u32) -> bool) -> Vec<VectorHit> {
        if k == 0 || query.len() != self.dim || self.groups.is_empty() {
            return Vec::new();
        }
        let query = Quantized::of(query);
        let mut hits: Vec<VectorHit> = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            if !allow(group.owner) {
                continue;
            }
            let mut best = f32::NEG_INFINITY;
            for row in group.start..group.end {
                best = best.max(self.row_score(row as usize, &query));
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

/// Dot product of `f32` vectors written so the compiler vectorises it (eight independent
/// accumulators).
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
        assert!((hits[0].score - 1.0).abs() < 0.01);
        let filtered = index.search(&unit(&[0.0, 1.0, 0.0]), 5, &|owner| owner != 7);
        assert_eq!(
            filtered.iter().map(|h| h.owner).collect::<Vec<_>>(),
            [9, 11]
        );
        assert_eq!(index.owner_vectors(7).count(), 2);
        assert!((index.owner_best(9, &Quantized::of(&unit(&[0.7, 0.7, 0.0]))) - 1.0).abs() < 0.01);
    }

    #[test]
    fn quantised_scores_stay_close_to_exact_cosines() {
        // Pseudo-random 512-d unit vectors from a fixed linear congruential sequence.
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as f32 / (1u64 << 31) as f32) - 0.5
        };
        let vectors: Vec<Vec<f32>> = (0..50)
            .map(|_| unit(&(0..512).map(|_| next()).collect::<Vec<_>>()))
            .collect();
        let mut index = VectorIndex::new(512);
        for (owner, vector) in vectors.iter().enumerate() {
            index.push_owner(owner as u32, [vector.as_slice()]);
        }
        let query = &vectors[3];
        let hits = index.search(query, 50, &|_| true);
        assert_eq!(hits[0].owner, 3);
        for hit in hits {
            let exact = dot(query, &vectors[hit.owner as usize]);
            assert!((hit.score - exact).abs() < 0.01, "{} vs {exact}", hit.score);
        }
    }

    #[test]
    fn dot_handles_tails() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        let expected: f32 = a.iter().map(|x| x * x).sum();
        assert_eq!(dot(&a, &a), expected);
    }
}
