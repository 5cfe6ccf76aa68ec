#ifndef CHAINRULE_KERNELS_H
#define CHAINRULE_KERNELS_H

/// Matrix kernels for ChainRule's engine, in C so they can use the CPU's
/// vector instructions (AVX2 or AVX-512, with FMA) chosen at run time; the
/// package itself is compiled for baseline x86-64. Only
/// `Sources/ChainRule/MatrixKernel.swift` calls this module.

#ifdef __cplusplus
extern "C" {
#endif

/// Which vector path `chainrule_product` takes on this CPU: 3 for
/// AVX-512, 2 for AVX2, 0 when there is none or the CPU lacks FMA (the
/// caller then uses its portable path). The environment variable `CHAINRULE_KERNELS=portable`
/// forces 0, `CHAINRULE_KERNELS=avx2` at most 2 (read once).
int chainrule_kernel_level(void);

/// `C = A · B` for `A` (m × k) and `B` (k × n) read through strides —
/// `A[i, p] = a[i·aRow + p·aCol]`, `B[p, j] = b[p·bRow + j·bCol]` — into the
/// row-major `c` (m × n). Every element is summed over `p` in ascending
/// order, one fused multiply-add per term, starting from +0: the same
/// bits as the i-k-j reference loop whenever `B` is finite.
/// Returns 0, touching nothing, when `chainrule_kernel_level()` is 0.
int chainrule_product(const double *a, long aRow, long aCol,
                      const double *b, long bRow, long bCol,
                      double *c, long m, long k, long n);

#ifdef __cplusplus
}
#endif

#endif
