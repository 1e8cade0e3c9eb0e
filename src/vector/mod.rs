//! Dense top-k over embeddings: derived state, rebuilt from the store's cached vectors.
//!
//! A [`VectorIndex`] holds unit vectors quantised to `i8` with one scale per row, in one
//! contiguous row-major matrix: a quarter of the memory of `f32` (100k nodes × 4 vectors × 512
//! dimensions is 200 MB instead of 800 MB) and four times the values per memory read, with a
//! cosine error around 0.005 — far below what separates answers. Each vector belongs to an owner
//! (the caller's node slot) and an owner may have several vectors (a node's name and each
//! alias); a search scores vectors and keeps each owner's best. Below [`ivf::MIN_ROWS`] rows it
//! scores every vector (exact); above, only those in the inverted lists nearest the query, and
//! the matrix is stored list by list so that each list is read in sequence. The interface
//! (`search` with a k and a filter) is what any approximate index would also offer.
//!
//! This module is pure computation: no IO, no knowledge of nodes, sled, tantivy or ONNX.

pub mod ivf;
mod simd;

use std::sync::Arc;

pub use ivf::Centroids;

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

/// A vector quantised to `i8`: `value ≈ codes[i] * scale`, with the IVF list it is filed under
/// (so an unchanged vector keeps its place when the index is rebuilt).
#[derive(Debug, Clone, PartialEq)]
pub struct Quantized {
    pub codes: Vec<i8>,
    pub scale: f32,
    pub list: u16,
}

impl Quantized {
    /// The stored form: the scale (little-endian `f32`) then the codes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(4 + self.codes.len());
        bytes.extend_from_slice(&self.scale.to_le_bytes());
        bytes.extend(self.codes.iter().map(|c| *c as u8));
        bytes
    }

    /// Reads [`Quantized::to_bytes`]; `None` unless it holds exactly `dim` codes.
    pub fn from_bytes(bytes: &[u8], dim: usize) -> Option<Quantized> {
        if bytes.len() != 4 + dim {
            return None;
        }
        Some(Quantized {
            scale: f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
            codes: bytes[4..].iter().map(|b| *b as i8).collect(),
            list: ivf::UNASSIGNED,
        })
    }

    pub fn of(vector: &[f32]) -> Quantized {
        let max = vector.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        Quantized {
            codes: vector.iter().map(|x| (x / scale).round() as i8).collect(),
            scale,
            list: ivf::UNASSIGNED,
        }
    }
}

/// The inverted lists of an index above [`ivf::MIN_ROWS`]. The rows are stored list by list:
/// list `l` is the stored rows `starts[l]..starts[l + 1]`.
#[derive(Debug, Clone)]
struct Lists {
    centroids: Arc<Centroids>,
    starts: Vec<u32>,
}

/// Rows are numbered two ways. In owner order (the order they were pushed in, each owner's
/// vectors side by side), `groups` give each owner's range; that order is also the byte format.
/// In stored order, `codes`, `scales`, `row_lists` and `row_owners` hold them; it is owner order
/// until the inverted lists are built, then list order, and `owner_rows` maps the one to the
/// other.
#[derive(Debug, Clone, Default)]
pub struct VectorIndex {
    dim: usize,
    codes: Vec<i8>,
    scales: Vec<f32>,
    row_lists: Vec<u16>,
    row_owners: Vec<u32>,
    groups: Vec<Group>,
    /// The stored row of each row in owner order; empty while the two orders are the same.
    owner_rows: Vec<u32>,
    lists: Option<Lists>,
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

    /// The stored row of row `i` in owner order.
    fn stored(&self, i: usize) -> usize {
        if self.owner_rows.is_empty() {
            i
        } else {
            self.owner_rows[i] as usize
        }
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
            if !self.owner_rows.is_empty() {
                self.owner_rows.push(self.len() as u32);
            }
            self.codes.extend_from_slice(&vector.codes);
            self.scales.push(vector.scale);
            self.row_lists.push(vector.list);
            self.row_owners.push(owner);
        }
        let end = self.len() as u32;
        debug_assert!(self.groups.last().is_none_or(|g| g.owner < owner));
        if end > start {
            self.groups.push(Group { owner, start, end });
        }
    }

    /// The (quantised) vectors stored for `owner`.
    pub fn owner_vectors(&self, owner: u32) -> impl Iterator<Item = Quantized> + '_ {
        let range = self
            .group(owner)
            .map_or(0..0, |g| g.start as usize..g.end as usize);
        range.map(move |i| {
            let row = self.stored(i);
            Quantized {
                codes: self.row(row).to_vec(),
                scale: self.scales[row],
                list: self.row_lists[row],
            }
        })
    }

    /// The range of `owner`'s vectors. Owners are node slots and most nodes have vectors in an
    /// index, so the group usually sits at the owner's own position: one read instead of a
    /// binary search whose last steps each miss the cache at 100k nodes.
    fn group(&self, owner: u32) -> Option<&Group> {
        let at = owner as usize;
        if let Some(group) = self.groups.get(at).filter(|g| g.owner == owner) {
            return Some(group);
        }
        // Owners are distinct and ascending from 0, so `owner`'s group lies before position `at`.
        let before = &self.groups[..at.min(self.groups.len())];
        before
            .binary_search_by_key(&owner, |g| g.owner)
            .ok()
            .map(|i| &before[i])
    }

    fn row(&self, row: usize) -> &[i8] {
        &self.codes[row * self.dim..(row + 1) * self.dim]
    }

    /// Moves the stored rows in place so that place `p` holds the row stored at `order[p]` before
    /// (`order` is a permutation of the stored rows), and keeps `owner_rows` pointing at them.
    fn reorder(&mut self, order: &[u32]) {
        let (rows, dim) = (self.len(), self.dim);
        let mut new_place = vec![0u32; rows];
        for (place, &old) in order.iter().enumerate() {
            new_place[old as usize] = place as u32;
        }
        let owner_rows: Vec<u32> = (0..rows).map(|i| new_place[self.stored(i)]).collect();
        // Each cycle of the permutation moves round once, its first row held aside.
        let mut placed = vec![false; rows];
        let mut held = vec![0i8; dim];
        for start in 0..rows {
            if placed[start] {
                continue;
            }
            held.copy_from_slice(self.row(start));
            let held_fields = (
                self.scales[start],
                self.row_lists[start],
                self.row_owners[start],
            );
            let mut place = start;
            loop {
                placed[place] = true;
                let from = order[place] as usize;
                if from == start {
                    self.codes[place * dim..(place + 1) * dim].copy_from_slice(&held);
                    (
                        self.scales[place],
                        self.row_lists[place],
                        self.row_owners[place],
                    ) = held_fields;
                    break;
                }
                self.codes
                    .copy_within(from * dim..(from + 1) * dim, place * dim);
                self.scales[place] = self.scales[from];
                self.row_lists[place] = self.row_lists[from];
                self.row_owners[place] = self.row_owners[from];
                place = from;
            }
        }
        let in_owner_order = owner_rows.iter().enumerate().all(|(i, &r)| i == r as usize);
        self.owner_rows = if in_owner_order {
            Vec::new()
        } else {
            owner_rows
        };
    }

    /// Builds the inverted lists once all rows are in, when there are enough rows to need them.
    /// `previous` centroids are reused (only unfiled rows are filed) until the index has doubled
    /// since they were trained; then they are trained anew and every row refiled.
    pub fn finish(mut self, previous: Option<Arc<Centroids>>) -> VectorIndex {
        let rows = self.len();
        if !self.owner_rows.is_empty() {
            // Back to owner order first, so training samples the same rows as for a new index.
            self.reorder(&self.owner_rows.clone());
        }
        if rows < ivf::MIN_ROWS {
            self.lists = None;
            return self;
        }
        let reusable =
            previous.filter(|c| c.dim == self.dim && !c.is_empty() && rows < 2 * c.trained_rows);
        let centroids = match reusable {
            Some(centroids) => centroids,
            None => {
                self.row_lists.iter_mut().for_each(|l| *l = ivf::UNASSIGNED);
                Arc::new(ivf::train(&self.codes, &self.scales, self.dim))
            }
        };
        file_rows(&mut self.row_lists, &self.codes, self.dim, &centroids);
        // Stored list by list, in owner order within a list (a counting sort by list).
        let mut starts = vec![0u32; centroids.len() + 1];
        for &list in &self.row_lists {
            starts[list as usize + 1] += 1;
        }
        for list in 0..centroids.len() {
            starts[list + 1] += starts[list];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; rows];
        for (row, &list) in self.row_lists.iter().enumerate() {
            order[next[list as usize] as usize] = row as u32;
            next[list as usize] += 1;
        }
        self.reorder(&order);
        self.lists = Some(Lists { centroids, starts });
        self
    }

    /// The index as bytes (see [`VectorIndex::from_bytes`]): dimension, groups, scales, list of
    /// each row, codes, then the centroids if any; integers little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(64 + self.codes.len() + self.len() * 6 + self.groups.len() * 12);
        let u32s = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
        let u64s = |out: &mut Vec<u8>, v: u64| out.extend_from_slice(&v.to_le_bytes());
        u32s(&mut out, self.dim as u32);
        u64s(&mut out, self.len() as u64);
        u64s(&mut out, self.groups.len() as u64);
        for g in &self.groups {
            u32s(&mut out, g.owner);
            u32s(&mut out, g.start);
            u32s(&mut out, g.end);
        }
        // In owner order, whatever the stored order.
        for i in 0..self.len() {
            out.extend_from_slice(&self.scales[self.stored(i)].to_le_bytes());
        }
        for i in 0..self.len() {
            out.extend_from_slice(&self.row_lists[self.stored(i)].to_le_bytes());
        }
        for i in 0..self.len() {
            out.extend(self.row(self.stored(i)).iter().map(|c| *c as u8));
        }
        match &self.lists {
            None => out.push(0),
            Some(lists) => {
                out.push(1);
                u64s(&mut out, lists.centroids.trained_rows as u64);
                u64s(&mut out, lists.centroids.len() as u64);
                for centroid in &lists.centroids.vectors {
                    out.extend_from_slice(&centroid.to_bytes());
                }
            }
        }
        out
    }

    /// Reads [`VectorIndex::to_bytes`]; `None` when the bytes are not a whole, consistent index.
    pub fn from_bytes(bytes: &[u8]) -> Option<VectorIndex> {
        let mut reader = Reader { bytes, at: 0 };
        let dim = reader.u32()? as usize;
        let rows = reader.u64()? as usize;
        let group_count = reader.u64()? as usize;
        let mut groups = Vec::with_capacity(group_count.min(bytes.len() / 12));
        for _ in 0..group_count {
            let (owner, start, end) = (reader.u32()?, reader.u32()?, reader.u32()?);
            if start > end
                || end as usize > rows
                || groups
                    .last()
                    .is_some_and(|g: &Group| g.end > start || g.owner >= owner)
            {
                return None;
            }
            groups.push(Group { owner, start, end });
        }
        let scales: Vec<f32> = reader
            .take(rows.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let row_lists: Vec<u16> = reader
            .take(rows.checked_mul(2)?)?
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let codes: Vec<i8> = reader
            .take(rows.checked_mul(dim)?)?
            .iter()
            .map(|b| *b as i8)
            .collect();
        let mut row_owners = vec![0u32; rows];
        for g in &groups {
            row_owners[g.start as usize..g.end as usize].fill(g.owner);
        }
        let mut index = VectorIndex {
            dim,
            codes,
            scales,
            row_lists,
            row_owners,
            groups,
            owner_rows: Vec::new(),
            lists: None,
        };
        let centroids = match reader.take(1)?[0] {
            0 => None,
            1 => {
                let trained_rows = reader.u64()? as usize;
                let count = reader.u64()? as usize;
                let mut vectors = Vec::with_capacity(count.min(1 << 16));
                for _ in 0..count {
                    vectors.push(Quantized::from_bytes(reader.take(4 + dim)?, dim)?);
                }
                Some(Arc::new(Centroids {
                    dim,
                    vectors,
                    trained_rows,
                }))
            }
            _ => return None,
        };
        if reader.at != bytes.len() {
            return None;
        }
        if let Some(centroids) = centroids {
            if index
                .row_lists
                .iter()
                .any(|l| *l as usize >= centroids.len())
            {
                return None;
            }
            index = index.finish(Some(centroids));
        }
        Some(index)
    }

    /// The centroids of the inverted lists, for the next index to reuse.
    pub fn centroids(&self) -> Option<Arc<Centroids>> {
        self.lists.as_ref().map(|l| Arc::clone(&l.centroids))
    }

    /// For each of `owners`, in order, the best cosine between `query` and any of its vectors (0
    /// when it has none). The rows a few ahead are asked from memory while the current one is
    /// scored: a question's candidates own some 1,400 rows scattered over the matrix (250 MB at
    /// 100k nodes), and scored one after another each row waited for memory on its own.
    pub fn owners_best(&self, owners: &[u32], query: &Quantized) -> Vec<f32> {
        const AHEAD: usize = 4;
        let rows: Vec<(usize, usize)> = owners
            .iter()
            .enumerate()
            .filter_map(|(n, &owner)| self.group(owner).map(|g| (n, g)))
            .flat_map(|(n, g)| (g.start..g.end).map(move |i| (n, self.stored(i as usize))))
            .collect();
        let mut best = vec![0.0f32; owners.len()];
        for (k, &(n, row)) in rows.iter().enumerate() {
            if let Some(&(_, ahead)) = rows.get(k + AHEAD) {
                simd::prefetch(self.row(ahead));
            }
            best[n] = best[n].max(self.row_score(row, query));
        }
        best
    }

    fn row_score(&self, row: usize, query: &Quantized) -> f32 {
        simd::dot_i8(self.row(row), &query.codes) as f32 * self.scales[row] * query.scale
    }

    /// The `k` owners most similar to `query` (best vector per owner), best first, among owners
    /// for which `allow` is true. Exact below [`ivf::MIN_ROWS`] rows, through the inverted lists
    /// above.
    pub fn search(&self, query: &[f32], k: usize, allow: &dyn Fn(u32) -> bool) -> Vec<VectorHit> {
        if k == 0 || query.len() != self.dim || self.groups.is_empty() {
            return Vec::new();
        }
        let query = Quantized::of(query);
        let hits = match &self.lists {
            Some(lists) => self.probe(lists, &query, allow),
            None => self.scan(&query, allow),
        };
        best_owners(hits, k)
    }

    /// Scores only the rows of the lists nearest to the query (every row, so an owner may come
    /// up several times).
    fn probe(
        &self,
        lists: &Lists,
        query: &Quantized,
        allow: &dyn Fn(u32) -> bool,
    ) -> Vec<VectorHit> {
        let mut scored: Vec<VectorHit> = Vec::new();
        let probes = ivf::probes_for(lists.centroids.len());
        for list in lists.centroids.nearest_lists(query, probes) {
            let list = list as usize;
            // A list's rows are stored side by side: the scan reads memory in sequence.
            for row in lists.starts[list] as usize..lists.starts[list + 1] as usize {
                let owner = self.row_owners[row];
                if allow(owner) {
                    let score = self.row_score(row, query);
                    scored.push(VectorHit { owner, score });
                }
            }
        }
        scored
    }

    /// Scores every row.
    fn scan(&self, query: &Quantized, allow: &dyn Fn(u32) -> bool) -> Vec<VectorHit> {
        let mut hits = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            if !allow(group.owner) {
                continue;
            }
            let score = (group.start..group.end)
                .map(|i| self.row_score(self.stored(i as usize), query))
                .fold(f32::NEG_INFINITY, f32::max);
            hits.push(VectorHit {
                owner: group.owner,
                score,
            });
        }
        hits
    }
}

/// The `k` owners with the best hits, best first (ties by owner), each with its best score;
/// `hits` may hold several per owner. They are the first `k` distinct owners of the hits in
/// that order, so only the leading hits are sorted — a few times `k` of them, more only if
/// those hold fewer than `k` owners — instead of all of a probe's tens of thousands.
fn best_owners(mut hits: Vec<VectorHit>, k: usize) -> Vec<VectorHit> {
    let by_score =
        |a: &VectorHit, b: &VectorHit| b.score.total_cmp(&a.score).then(a.owner.cmp(&b.owner));
    let mut leading = k.saturating_mul(8).max(1);
    loop {
        let all = leading >= hits.len();
        if !all {
            hits.select_nth_unstable_by(leading - 1, by_score);
        }
        let mut best = hits[..leading.min(hits.len())].to_vec();
        best.sort_unstable_by(by_score);
        let mut seen = rustc_hash::FxHashSet::default();
        best.retain(|hit| seen.insert(hit.owner));
        if all || best.len() >= k {
            best.truncate(k);
            return best;
        }
        leading = leading.saturating_mul(4);
    }
}

/// Reads fixed-size little-endian fields, failing on truncation.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
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

/// Rows filed per thread at least: below this, one thread files them all (an edit files a few).
const FILING_ROWS_PER_THREAD: usize = 4_096;

/// Calls `work(first, part)` for consecutive parts of `out` (`first`: the index in `out` of the
/// part's first item): on one thread per [`FILING_ROWS_PER_THREAD`] of the `rows` to work on, at
/// most one per core.
fn split_over_cores(out: &mut [u16], rows: usize, work: impl Fn(usize, &mut [u16]) + Sync) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = (rows / FILING_ROWS_PER_THREAD).clamp(1, cores);
    if threads == 1 {
        return work(0, out);
    }
    let per_thread = out.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|scope| {
        for (part, items) in out.chunks_mut(per_thread).enumerate() {
            scope.spawn(move || work(part * per_thread, items));
        }
    });
}

/// Files each unfiled row (`row_lists[row]` not a list of `centroids`) under its nearest list,
/// the rows split over the cores: an import of 100k nodes files ≈ 500k rows against hundreds of
/// centroids, the longest step of building its snapshot.
fn file_rows(row_lists: &mut [u16], codes: &[i8], dim: usize, centroids: &Centroids) {
    let unfiled = row_lists
        .iter()
        .filter(|&&list| list as usize >= centroids.len())
        .count();
    split_over_cores(row_lists, unfiled, |first, lists| {
        for (i, list) in lists.iter_mut().enumerate() {
            if *list as usize >= centroids.len() {
                let row = first + i;
                *list = centroids.nearest(&codes[row * dim..(row + 1) * dim]);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in [-0.5, 0.5) (a linear congruential generator).
    fn noise(seed: u64) -> impl FnMut() -> f32 {
        let mut state = seed;
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as f32 / (1u64 << 31) as f32) - 0.5
        }
    }

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
    fn inverted_lists_find_what_the_exact_scan_finds() {
        let mut next = noise(7);
        // 40 clusters of 1,000 noisy copies: enough rows for inverted lists.
        let dim = 32;
        let centres: Vec<Vec<f32>> = (0..40)
            .map(|_| unit(&(0..dim).map(|_| next()).collect::<Vec<_>>()))
            .collect();
        let mut exact = VectorIndex::new(dim);
        let mut rows = Vec::new();
        for owner in 0..40_000u32 {
            let centre = &centres[owner as usize % 40];
            let row = unit(&centre.iter().map(|x| x + 0.05 * next()).collect::<Vec<_>>());
            exact.push_owner(owner, [row.as_slice()]);
            rows.push(row);
        }
        let probed = exact.clone().finish(None);
        assert!(probed.centroids().is_some());
        assert!(exact.centroids().is_none());
        let query = &rows[123];
        let want: Vec<u32> = exact
            .search(query, 10, &|_| true)
            .iter()
            .map(|h| h.owner)
            .collect();
        let got: Vec<u32> = probed
            .search(query, 10, &|_| true)
            .iter()
            .map(|h| h.owner)
            .collect();
        assert_eq!(got[0], 123);
        let overlap = got.iter().filter(|o| want.contains(o)).count();
        assert!(overlap >= 8, "recall@10 {overlap}/10");
        // Reusing the centroids files only what is new.
        let mut next_index = VectorIndex::new(dim);
        for owner in 0..40_000u32 {
            next_index.push_quantized(owner, probed.owner_vectors(owner));
        }
        let reused = next_index.finish(probed.centroids());
        assert!(Arc::ptr_eq(
            &reused.centroids().unwrap(),
            &probed.centroids().unwrap()
        ));
        // A round trip through bytes gives the same answers.
        let bytes = reused.to_bytes();
        let read = VectorIndex::from_bytes(&bytes).expect("reads back");
        let again: Vec<u32> = read
            .search(query, 10, &|_| true)
            .iter()
            .map(|h| h.owner)
            .collect();
        assert_eq!(again, got);
        assert!(
            VectorIndex::from_bytes(&bytes[..bytes.len() - 1]).is_none(),
            "truncated"
        );
        assert!(
            VectorIndex::from_bytes(&[bytes.as_slice(), &[0]].concat()).is_none(),
            "trailing"
        );
    }

    #[test]
    fn rows_are_stored_list_by_list_and_read_back_in_owner_order() {
        let mut next = noise(11);
        // Owners with one or two vectors, enough rows for inverted lists.
        let dim = 8;
        let mut index = VectorIndex::new(dim);
        let mut pushed = Vec::new();
        for owner in 0..20_000u32 {
            let vectors: Vec<Vec<f32>> = (0..1 + owner as usize % 2)
                .map(|_| unit(&(0..dim).map(|_| next()).collect::<Vec<_>>()))
                .collect();
            index.push_owner(owner, vectors.iter().map(Vec::as_slice));
            pushed.push(vectors);
        }
        assert!(index.len() >= ivf::MIN_ROWS);
        let finished = index.finish(None);
        let lists = finished.lists.as_ref().expect("inverted lists");
        assert_eq!(lists.starts.len(), lists.centroids.len() + 1);
        assert_eq!(*lists.starts.last().unwrap() as usize, finished.len());
        for list in 0..lists.centroids.len() {
            let rows = lists.starts[list] as usize..lists.starts[list + 1] as usize;
            assert!(
                rows.clone()
                    .all(|row| finished.row_lists[row] as usize == list),
                "list {list} is not stored side by side"
            );
        }
        // Filed on several cores, each row is still under its nearest centroid.
        for row in 0..finished.len() {
            let nearest = lists.centroids.nearest(finished.row(row));
            assert_eq!(finished.row_lists[row], nearest, "row {row}");
        }
        // Each owner's vectors come back as pushed, in their order.
        for owner in [0u32, 1, 2, 9_999, 19_999] {
            let got: Vec<Vec<i8>> = finished.owner_vectors(owner).map(|q| q.codes).collect();
            let want: Vec<Vec<i8>> = pushed[owner as usize]
                .iter()
                .map(|v| Quantized::of(v).codes)
                .collect();
            assert_eq!(got, want, "owner {owner}");
            let best = finished.owner_best(owner, &Quantized::of(&pushed[owner as usize][0]));
            assert!((best - 1.0).abs() < 0.01, "owner {owner}: {best}");
        }
        // The bytes keep owner order: read back, or finished again, the index writes them alike
        // and answers alike.
        let bytes = finished.to_bytes();
        let read = VectorIndex::from_bytes(&bytes).expect("reads back");
        assert_eq!(read.to_bytes(), bytes);
        let again = finished.clone().finish(finished.centroids());
        assert_eq!(again.to_bytes(), bytes);
        let query = &pushed[4_321][0];
        let hits = finished.search(query, 10, &|_| true);
        assert_eq!(hits[0].owner, 4_321);
        assert_eq!(read.search(query, 10, &|_| true), hits);
        assert_eq!(again.search(query, 10, &|_| true), hits);
    }

    impl VectorIndex {
        /// One owner's best cosine, row after row: what [`VectorIndex::owners_best`] must equal.
        fn owner_best(&self, owner: u32, query: &Quantized) -> f32 {
            self.group(owner).map_or(0.0, |group| {
                (group.start..group.end)
                    .map(|i| self.row_score(self.stored(i as usize), query))
                    .fold(0.0, f32::max)
            })
        }
    }

    #[test]
    fn owners_best_scores_each_owner_as_owner_best_does() {
        let mut next = noise(5);
        let dim = 8;
        // Every third owner has no vectors, so an owner's group is not at its own position.
        for owners in [300u32, 45_000] {
            let mut index = VectorIndex::new(dim);
            let mut first_of_one = Vec::new();
            for owner in (0..owners).filter(|o| o % 3 != 0) {
                let vectors: Vec<Vec<f32>> = (0..1 + owner as usize % 2)
                    .map(|_| unit(&(0..dim).map(|_| next()).collect::<Vec<_>>()))
                    .collect();
                index.push_owner(owner, vectors.iter().map(Vec::as_slice));
                if owner == 1 {
                    first_of_one = vectors[0].clone();
                }
            }
            let index = index.finish(None);
            assert_eq!(index.lists.is_some(), owners > 30_000);
            let query = Quantized::of(&first_of_one);
            let asked: Vec<u32> = vec![0, 1, 2, 4, 5, 200, owners - 1, owners + 7, 2, 0];
            let one_by_one: Vec<f32> = asked.iter().map(|&o| index.owner_best(o, &query)).collect();
            assert_eq!(index.owners_best(&asked, &query), one_by_one);
            assert_eq!(one_by_one[0], 0.0, "owner 0 has no vectors");
            assert!(
                (one_by_one[1] - 1.0).abs() < 0.01,
                "owner 1 holds the query"
            );
            assert_eq!(one_by_one[7], 0.0, "an owner past the last has none");
            assert_eq!(index.owner_vectors(3).count(), 0);
            assert_eq!(index.owner_vectors(5).count(), 2);
        }
    }

    #[test]
    fn best_owners_match_best_per_owner_then_sort() {
        let check = |hits: Vec<VectorHit>, k: usize| {
            // The plain way: each owner's best, all sorted.
            let mut per_owner: Vec<VectorHit> = Vec::new();
            for hit in &hits {
                match per_owner.iter_mut().find(|h| h.owner == hit.owner) {
                    Some(best) if hit.score > best.score => best.score = hit.score,
                    Some(_) => {}
                    None => per_owner.push(*hit),
                }
            }
            per_owner.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.owner.cmp(&b.owner)));
            per_owner.truncate(k);
            assert_eq!(best_owners(hits, k), per_owner, "k = {k}");
        };
        let hit = |owner: u32, score: f32| VectorHit { owner, score };
        check(Vec::new(), 3);
        check(vec![hit(1, 0.5)], 3);
        // Ties broken by owner; a repeated owner counts once, with its best score.
        check(vec![hit(2, 0.5), hit(1, 0.5), hit(1, 0.9), hit(3, 0.1)], 2);
        // Many rows of few owners at the top: the leading rows hold too few owners at first.
        let mut state = 3u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u32
        };
        let mut hits: Vec<VectorHit> = (0..200)
            .map(|i| hit(i % 3, 0.9 + (i as f32) * 1e-4))
            .collect();
        hits.extend((0..5_000).map(|_| hit(next() % 700, (next() % 1000) as f32 / 2000.0)));
        for k in [1, 2, 3, 4, 10, 50, 700, 1_000] {
            check(hits.clone(), k);
        }
    }

    #[test]
    fn dot_handles_tails() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        let expected: f32 = a.iter().map(|x| x * x).sum();
        assert_eq!(dot(&a, &a), expected);
    }
}
