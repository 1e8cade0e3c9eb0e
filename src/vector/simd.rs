//! The `i8` dot product at the heart of dense search. The portable loop is written so the
//! compiler vectorises it; on x86-64 CPUs with AVX2 (checked once at run time, so the binary still
//! runs on older CPUs) an AVX2 kernel multiplies sixteen `i16`-widened codes per instruction.

/// Dot product of two equally long `i8` slices.
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    #[cfg(target_arch = "x86_64")]
    {
        if avx2() {
            // SAFETY: the CPU supports AVX2 (checked above).
            return unsafe { dot_i8_avx2(a, b) };
        }
    }
    dot_i8_portable(a, b)
}

#[cfg(target_arch = "x86_64")]
fn avx2() -> bool {
    static AVX2: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVX2.get_or_init(|| std::arch::is_x86_feature_detected!("avx2"))
}

/// Sixteen codes at a time widened to `i16` and multiplied pairwise into `i32` lanes
/// (`vpmaddwd`): exact, since a pair of products is at most 2 × 128² and fits. Left to itself
/// the compiler widened the loop above to `i32` and multiplied with `vpmulld`, 8 codes per
/// instruction at several times the cost, which made dense search at 100k nodes compute-bound.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_i8_avx2(a: &[i8], b: &[i8]) -> i32 {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi32, _mm256_castsi256_si128, _mm256_cvtepi8_epi16,
        _mm256_extracti128_si256, _mm256_loadu_si256, _mm256_madd_epi16, _mm256_setzero_si256,
        _mm256_storeu_si256,
    };
    let n = a.len().min(b.len());
    let whole = n - n % 32;
    let mut low = _mm256_setzero_si256();
    let mut high = _mm256_setzero_si256();
    let mut i = 0;
    while i < whole {
        // SAFETY: `i + 32 <= n` for both slices; unaligned loads.
        let (x, y) = unsafe {
            (
                _mm256_loadu_si256(a.as_ptr().add(i).cast::<__m256i>()),
                _mm256_loadu_si256(b.as_ptr().add(i).cast::<__m256i>()),
            )
        };
        let x_low = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(x));
        let y_low = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(y));
        let x_high = _mm256_cvtepi8_epi16(_mm256_extracti128_si256::<1>(x));
        let y_high = _mm256_cvtepi8_epi16(_mm256_extracti128_si256::<1>(y));
        low = _mm256_add_epi32(low, _mm256_madd_epi16(x_low, y_low));
        high = _mm256_add_epi32(high, _mm256_madd_epi16(x_high, y_high));
        i += 32;
    }
    let mut lanes = [0i32; 8];
    // SAFETY: `lanes` is 32 bytes; unaligned store.
    unsafe {
        _mm256_storeu_si256(
            lanes.as_mut_ptr().cast::<__m256i>(),
            _mm256_add_epi32(low, high),
        )
    };
    let tail: i32 = a[whole..n]
        .iter()
        .zip(&b[whole..n])
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    lanes.iter().sum::<i32>() + tail
}

/// Asks the CPU to bring `codes` into cache ahead of use (a hint; nothing on other CPUs).
#[inline(always)]
pub fn prefetch(codes: &[i8]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        for line in codes.chunks(64) {
            // SAFETY: a prefetch never faults and reads nothing; the pointer is in bounds.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr()) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = codes;
}

#[inline(always)]
fn dot_i8_portable(a: &[i8], b: &[i8]) -> i32 {
    // 16-bit products summed into 32-bit lanes: the shape of pmaddwd.
    let mut acc = [0i32; 16];
    let chunks_a = a.chunks_exact(16);
    let chunks_b = b.chunks_exact(16);
    let tail: i32 = chunks_a
        .remainder()
        .iter()
        .zip(chunks_b.remainder())
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    for (x, y) in chunks_a.zip(chunks_b) {
        for i in 0..16 {
            acc[i] += i32::from(i16::from(x[i]) * i16::from(y[i]));
        }
    }
    acc.iter().sum::<i32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_plain_sum() {
        let a: Vec<i8> = (0..515).map(|i| ((i * 37) % 255 - 127) as i8).collect();
        let b: Vec<i8> = (0..515).map(|i| ((i * 91) % 255 - 127) as i8).collect();
        let expected: i32 = a
            .iter()
            .zip(&b)
            .map(|(x, y)| i32::from(*x) * i32::from(*y))
            .sum();
        assert_eq!(dot_i8(&a, &b), expected);
        assert_eq!(dot_i8_portable(&a, &b), expected);
    }

    #[test]
    fn extreme_codes_and_every_tail_length_match_the_plain_sum() {
        // -128 · -128 pairs are the largest products the widening kernel must hold exactly;
        // lengths around the 32-code step exercise the tail.
        for len in [0, 1, 15, 16, 31, 32, 33, 63, 64, 512, 515] {
            for (x, y) in [(-128i8, -128i8), (127, -128), (127, 127)] {
                let a = vec![x; len];
                let b = vec![y; len];
                let expected = len as i32 * i32::from(x) * i32::from(y);
                assert_eq!(dot_i8(&a, &b), expected, "len {len}, {x}·{y}");
            }
        }
    }
}
