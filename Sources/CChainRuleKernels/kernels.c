// Matrix product with AVX-512 or AVX2 (with FMA), chosen at run time (see include/ChainRuleKernels.h).
//
// Bit-for-bit equal to the reference loop on every machine: each output
// element is one accumulator, fed p = 0, 1, … k−1 with a fused
// multiply-add, `acc = fma(a, b, acc)`, from +0. A fused multiply-add
// rounds once, as IEEE 754 defines it, so the vector kernels, the portable
// Swift kernel and `LinearAlgebra.gemm` (`addingProduct`) give the same
// bits whatever the CPU. Contraction of other expressions is switched off
// below: the only fused operations are the ones written out.
#include "ChainRuleKernels.h"
#include <stdlib.h>
#include <string.h>

#pragma clang fp contract(off)

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <cpuid.h>
#include <immintrin.h>

static int detect_level(void) {
    const char *env = getenv("CHAINRULE_KERNELS");
    if (env && strcmp(env, "portable") == 0) return 0;
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1, fma = (ecx >> 12) & 1;
    if (!osxsave || !avx || !fma) return 0;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6) != 6) return 0;  // the OS saves XMM and YMM state
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    if (!((ebx >> 5) & 1)) return 0;
    int avx512f = (ebx >> 16) & 1, zmm = (xcr0_lo & 0xE6) == 0xE6;
    if (avx512f && zmm && !(env && strcmp(env, "avx2") == 0)) return 3;
    return 2;
}

static int level = -1;

int chainrule_kernel_level(void) {
    if (level < 0) level = detect_level();  // idempotent: a race writes the same value
    return level;
}

// B packed in panels of W columns (8 or 4), row by row: panel element
// [p][jj] = B[p, j0 + jj], zero past the last column.
static void pack(const double *b, long bRow, long bCol, long k, long j0, long width, long n, double *out) {
    for (long p = 0; p < k; p++) {
        for (long jj = 0; jj < width; jj++) {
            long j = j0 + jj;
            out[p * width + jj] = j < n ? b[p * bRow + j * bCol] : 0.0;
        }
    }
}

__attribute__((target("avx2,fma")))
static inline void store4(double *c, __m256d v, long cols) {
    if (cols >= 4) { _mm256_storeu_pd(c, v); return; }
    double t[4];
    _mm256_storeu_pd(t, v);
    for (long j = 0; j < cols; j++) c[j] = t[j];
}

// Rows [i, i+R) of C against one 8-column panel.
#define ROWS8(R)                                                                 \
    __attribute__((target("avx2,fma")))                                          \
    static void rows##R##x8(const double *a, long aRow, long aCol, const double *panel, long pstride, \
                            long k, double *c, long n, long cols) {              \
        __m256d lo[R], hi[R];                                                    \
        for (int r = 0; r < R; r++) { lo[r] = _mm256_setzero_pd(); hi[r] = _mm256_setzero_pd(); } \
        for (long p = 0; p < k; p++) {                                           \
            __m256d b0 = _mm256_loadu_pd(panel + pstride * p);                   \
            __m256d b1 = _mm256_loadu_pd(panel + pstride * p + 4);               \
            const double *ap = a + p * aCol;                                     \
            for (int r = 0; r < R; r++) {                                        \
                __m256d av = _mm256_broadcast_sd(ap + r * aRow);                 \
                lo[r] = _mm256_fmadd_pd(av, b0, lo[r]);                          \
                hi[r] = _mm256_fmadd_pd(av, b1, hi[r]);                          \
            }                                                                    \
        }                                                                        \
        for (int r = 0; r < R; r++) {                                            \
            store4(c + r * n, lo[r], cols);                                      \
            if (cols > 4) store4(c + r * n + 4, hi[r], cols - 4);                \
        }                                                                        \
    }
ROWS8(4)
ROWS8(1)

// Rows [i, i+R) of C against one 4-column panel.
#define ROWS4(R)                                                                 \
    __attribute__((target("avx2,fma")))                                          \
    static void rows##R##x4(const double *a, long aRow, long aCol, const double *panel, long pstride, \
                            long k, double *c, long n, long cols) {              \
        __m256d acc[R];                                                          \
        for (int r = 0; r < R; r++) acc[r] = _mm256_setzero_pd();                \
        for (long p = 0; p < k; p++) {                                           \
            __m256d b0 = _mm256_loadu_pd(panel + pstride * p);                   \
            const double *ap = a + p * aCol;                                     \
            for (int r = 0; r < R; r++)                                          \
                acc[r] = _mm256_fmadd_pd(_mm256_broadcast_sd(ap + r * aRow), b0, acc[r]); \
        }                                                                        \
        for (int r = 0; r < R; r++) store4(c + r * n, acc[r], cols);             \
    }
ROWS4(8)
ROWS4(1)

__attribute__((target("avx2,fma")))
static void product_avx2(const double *a, long aRow, long aCol, const double *b, long bRow, long bCol,
                         double *c, long m, long k, long n, double *packed) {
    long j0 = 0;
    while (j0 < n) {
        long width = n - j0 >= 8 ? 8 : 4;  // a last panel of 1–4 columns is 4 wide
        if (n - j0 > 4 && n - j0 < 8) width = 8;
        long cols = n - j0 < width ? n - j0 : width;
        const double *panel = packed;
        long pstride = width;
        if (bCol == 1 && cols == width) { panel = b + j0; pstride = bRow; }
        else pack(b, bRow, bCol, k, j0, width, n, packed);
        long i = 0;
        if (width == 8) {
            for (; i + 4 <= m; i += 4) rows4x8(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
            for (; i < m; i++) rows1x8(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
        } else {
            for (; i + 8 <= m; i += 8) rows8x4(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
            for (; i < m; i++) rows1x4(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
        }
        j0 += width;
    }
}

// The same with AVX-512: panels of 16 or 8 columns (a last panel of 1–4
// columns goes through the AVX2 4-wide kernel).
__attribute__((target("avx512f,fma")))
static inline void store8(double *c, __m512d v, long cols) {
    if (cols >= 8) { _mm512_storeu_pd(c, v); return; }
    _mm512_mask_storeu_pd(c, (__mmask8)((1u << cols) - 1), v);
}

#define ROWS16(R)                                                                \
    __attribute__((target("avx512f,fma")))                                       \
    static void rows##R##x16(const double *a, long aRow, long aCol, const double *panel, long pstride, \
                             long k, double *c, long n, long cols) {             \
        __m512d lo[R], hi[R];                                                    \
        for (int r = 0; r < R; r++) { lo[r] = _mm512_setzero_pd(); hi[r] = _mm512_setzero_pd(); } \
        for (long p = 0; p < k; p++) {                                           \
            __m512d b0 = _mm512_loadu_pd(panel + pstride * p);                   \
            __m512d b1 = _mm512_loadu_pd(panel + pstride * p + 8);               \
            const double *ap = a + p * aCol;                                     \
            for (int r = 0; r < R; r++) {                                        \
                __m512d av = _mm512_set1_pd(ap[r * aRow]);                       \
                lo[r] = _mm512_fmadd_pd(av, b0, lo[r]);                          \
                hi[r] = _mm512_fmadd_pd(av, b1, hi[r]);                          \
            }                                                                    \
        }                                                                        \
        for (int r = 0; r < R; r++) {                                            \
            store8(c + r * n, lo[r], cols);                                      \
            if (cols > 8) store8(c + r * n + 8, hi[r], cols - 8);                \
        }                                                                        \
    }
// 8 rows × 16 columns: 16 accumulators, enough independent FMAs in flight
// to cover their latency on two vector ports (4 rows: 8, too few).
ROWS16(8)
ROWS16(4)
ROWS16(1)

#define ROWS8Z(R)                                                                \
    __attribute__((target("avx512f,fma")))                                       \
    static void rows##R##x8z(const double *a, long aRow, long aCol, const double *panel, long pstride, \
                             long k, double *c, long n, long cols) {             \
        __m512d acc[R];                                                          \
        for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_pd();                \
        for (long p = 0; p < k; p++) {                                           \
            __m512d b0 = _mm512_loadu_pd(panel + pstride * p);                   \
            const double *ap = a + p * aCol;                                     \
            for (int r = 0; r < R; r++)                                          \
                acc[r] = _mm512_fmadd_pd(_mm512_set1_pd(ap[r * aRow]), b0, acc[r]); \
        }                                                                        \
        for (int r = 0; r < R; r++) store8(c + r * n, acc[r], cols);             \
    }
ROWS8Z(8)
ROWS8Z(1)

__attribute__((target("avx512f,fma")))
static void product_avx512(const double *a, long aRow, long aCol, const double *b, long bRow, long bCol,
                           double *c, long m, long k, long n, double *packed) {
    long j0 = 0;
    while (j0 < n) {
        long rest = n - j0;
        long width = rest >= 12 ? 16 : rest > 4 ? 8 : 4;
        long cols = rest < width ? rest : width;
        // A full panel of a row-major B is read in place; others are packed.
        const double *panel = packed;
        long pstride = width;
        if (bCol == 1 && cols == width) { panel = b + j0; pstride = bRow; }
        else pack(b, bRow, bCol, k, j0, width, n, packed);
        long i = 0;
        if (width == 16) {
            for (; i + 8 <= m; i += 8) rows8x16(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
            for (; i + 4 <= m; i += 4) rows4x16(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
            for (; i < m; i++) rows1x16(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
        } else if (width == 8) {
            for (; i + 8 <= m; i += 8) rows8x8z(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
            for (; i < m; i++) rows1x8z(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
        } else {
            for (; i + 8 <= m; i += 8) rows8x4(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
            for (; i < m; i++) rows1x4(a + i * aRow, aRow, aCol, panel, pstride, k, c + i * n + j0, n, cols);
        }
        j0 += width;
    }
}

int chainrule_product(const double *a, long aRow, long aCol, const double *b, long bRow, long bCol,
                      double *c, long m, long k, long n) {
    int lv = chainrule_kernel_level();
    if (lv < 2) return 0;
    if (m <= 0 || n <= 0) return 1;
    if (k <= 0) { memset(c, 0, sizeof(double) * (size_t)(m * n)); return 1; }
    double stackBuffer[16 * 256];
    double *packed = k <= 256 ? stackBuffer : malloc(sizeof(double) * 16 * (size_t)k);
    if (!packed) return 0;
    if (lv >= 3) product_avx512(a, aRow, aCol, b, bRow, bCol, c, m, k, n, packed);
    else product_avx2(a, aRow, aCol, b, bRow, bCol, c, m, k, n, packed);
    if (packed != stackBuffer) free(packed);
    return 1;
}

#else

int chainrule_kernel_level(void) { return 0; }

int chainrule_product(const double *a, long aRow, long aCol, const double *b, long bRow, long bCol,
                      double *c, long m, long k, long n) {
    (void)a; (void)aRow; (void)aCol; (void)b; (void)bRow; (void)bCol; (void)c; (void)m; (void)k; (void)n;
    return 0;
}

#endif
