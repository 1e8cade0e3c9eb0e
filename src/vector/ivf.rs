//! An inverted-file (IVF) coarse quantiser: k-means centroids over the rows, each row filed
//! under its nearest centroid, and a search that scans only the lists of the centroids nearest to
//! the query. Above a few tens of thousands of vectors an exact scan reads hundreds of megabytes
//! per query; IVF reads a few percent of them at a small cost in recall (measured in
//! BENCHMARKS.md). Centroids survive from one index to the next, so a KB edit only files the new
//! rows.

use super::simd::dot_i8;
use super::Quantized;

/// Rows below which an exact scan is fast enough and IVF is not built.
pub const MIN_ROWS: usize = 30_000;
/// Marks a row not yet filed under a list.
pub const UNASSIGNED: u16 = u16::MAX;

/// The trained centroids, shareable between successive indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct Centroids {
    pub dim: usize,
    /// One quantised unit vector per list.
    pub vectors: Vec<Quantized>,
    /// Rows the centroids were trained on (retrain once the index has doubled).
    pub trained_rows: usize,
}

impl Centroids {
    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// The list whose centroid is nearest to `row`.
    pub fn nearest(&self, row: &[i8]) -> u16 {
        let mut best = (i32::MIN, 0u16);
        for (list, centroid) in self.vectors.iter().enumerate() {
            let score = dot_i8(&centroid.codes, row);
            if score > best.0 {
                best = (score, list as u16);
            }
        }
        best.1
    }

    /// [`Centroids::nearest`] of each of `rows` (indexes into `codes`, `dim` codes a row), the
    /// rows split over the cores when there are many.
    fn nearest_of(&self, rows: &[usize], codes: &[i8]) -> Vec<u16> {
        let dim = self.dim;
        let mut out = vec![0u16; rows.len()];
        super::split_over_cores(&mut out, rows.len(), |first, lists| {
            for (&r, list) in rows[first..].iter().zip(lists.iter_mut()) {
                *list = self.nearest(&codes[r * dim..(r + 1) * dim]);
            }
        });
        out
    }

    /// The `n` lists whose centroids are nearest to `query`.
    pub fn nearest_lists(&self, query: &Quantized, n: usize) -> Vec<u16> {
        let mut scored: Vec<(f32, u16)> = self
            .vectors
            .iter()
            .enumerate()
            .map(|(list, c)| (dot_i8(&c.codes, &query.codes) as f32 * c.scale, list as u16))
            .collect();
        let n = n.min(scored.len());
        if n == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable_by(n - 1, |a, b| b.0.total_cmp(&a.0));
        scored.truncate(n);
        scored.into_iter().map(|(_, list)| list).collect()
    }
}

/// How many lists an index of `rows` rows gets.
pub fn lists_for(rows: usize) -> usize {
    ((rows as f64).sqrt() as usize / 2).clamp(16, 1024)
}

/// How many lists a search scans.
pub fn probes_for(lists: usize) -> usize {
    (lists / 24).max(8).min(lists)
}

/// Trains spherical k-means centroids on (a deterministic sample of) `rows`, each `dim` codes.
pub fn train(codes: &[i8], scales: &[f32], dim: usize) -> Centroids {
    let rows = scales.len();
    let lists = lists_for(rows);
    let sample_size = (lists * 40).min(rows);
    let step = rows as f64 / sample_size as f64;
    let sample: Vec<usize> = (0..sample_size)
        .map(|i| (i as f64 * step) as usize)
        .collect();
    let row = |r: usize| &codes[r * dim..(r + 1) * dim];
    // Start from evenly spread sample rows.
    let mut centroids: Vec<Quantized> = (0..lists)
        .map(|i| {
            let r = sample[i * sample.len() / lists];
            Quantized {
                codes: row(r).to_vec(),
                scale: scales[r],
                list: UNASSIGNED,
            }
        })
        .collect();
    for _ in 0..6 {
        let mut sums = vec![0f32; lists * dim];
        let mut counts = vec![0usize; lists];
        let current = Centroids {
            dim,
            vectors: centroids.clone(),
            trained_rows: rows,
        };
        // The nearest lists are found on every core; the sums are taken in sample order, so the
        // centroids do not depend on the number of cores.
        let nearest = current.nearest_of(&sample, codes);
        for (&r, &list) in sample.iter().zip(&nearest) {
            let list = list as usize;
            counts[list] += 1;
            let scale = scales[r];
            for (s, c) in sums[list * dim..(list + 1) * dim].iter_mut().zip(row(r)) {
                *s += f32::from(*c) * scale;
            }
        }
        for list in 0..lists {
            if counts[list] == 0 {
                continue; // An empty list keeps its centroid.
            }
            let mean = &mut sums[list * dim..(list + 1) * dim];
            let norm = mean.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                mean.iter_mut().for_each(|x| *x /= norm);
            }
            centroids[list] = Quantized::of(mean);
        }
    }
    Centroids {
        dim,
        vectors: centroids,
        trained_rows: rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_scale_with_rows() {
        assert_eq!(lists_for(1_000), 16);
        assert_eq!(lists_for(450_000), 335);
        assert_eq!(lists_for(100_000_000), 1024);
        assert_eq!(probes_for(335), 13);
        assert_eq!(probes_for(16), 8);
    }

    #[test]
    fn rows_are_filed_under_their_cluster() {
        // Two tight clusters along different axes.
        let dim = 16;
        let mut codes = Vec::new();
        let mut scales = Vec::new();
        for i in 0..200 {
            let mut v = vec![0f32; dim];
            v[if i % 2 == 0 { 0 } else { 5 }] = 1.0;
            v[9] = 0.01 * (i % 7) as f32;
            let q = Quantized::of(&v);
            codes.extend(q.codes);
            scales.push(q.scale);
        }
        let centroids = train(&codes, &scales, dim);
        let lists = |parity: usize| -> std::collections::BTreeSet<u16> {
            (0..200)
                .filter(|i| i % 2 == parity)
                .map(|i| centroids.nearest(&codes[i * dim..(i + 1) * dim]))
                .collect()
        };
        assert!(lists(0).is_disjoint(&lists(1)), "clusters share a list");
    }

    #[test]
    fn nearest_lists_of_many_rows_are_each_rows_nearest() {
        // Enough rows to be split over the cores, in a scrambled order.
        let dim = 8;
        let mut state = 7u64;
        let codes: Vec<i8> = (0..20_000 * dim)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 56) as i8
            })
            .collect();
        let scales = vec![1.0; 20_000];
        let centroids = train(&codes, &scales, dim);
        let rows: Vec<usize> = (0..20_000).map(|i| i * 7_919 % 20_000).collect();
        let want: Vec<u16> = rows
            .iter()
            .map(|&r| centroids.nearest(&codes[r * dim..(r + 1) * dim]))
            .collect();
        assert_eq!(centroids.nearest_of(&rows, &codes), want);
    }
}
