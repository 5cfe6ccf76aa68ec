import CChainRuleKernels

/// The vector matrix kernel (C, AVX-512 or AVX2 with FMA chosen at run
/// time; see `Sources/CChainRuleKernels`). The only Swift file that calls C.
///
/// It computes the same sums in the same order as `LinearAlgebra.gemm`, one
/// fused multiply-add per term (rounded once, as IEEE 754 defines it), so
/// its results are the reference's bits on every CPU; `KernelTests`
/// compares them. On a CPU without AVX2 and FMA, on other architectures, or
/// with `CHAINRULE_KERNELS=portable` in the environment,
/// `LinearAlgebra.product` uses its portable Swift kernel.
enum MatrixKernel {
    /// The vector path in use: `"avx2"` or `"portable"`.
    static let name = chainrule_kernel_level() >= 2 ? "avx2" : "portable"

    /// `C = A · B` through strides into `c` (m × n, row-major); `false`
    /// when no vector path is available and nothing was written.
    @inline(__always)
    static func product(_ a: UnsafePointer<Double>, _ aRow: Int, _ aCol: Int,
                        _ b: UnsafePointer<Double>, _ bRow: Int, _ bCol: Int,
                        _ c: UnsafeMutablePointer<Double>, m: Int, k: Int, n: Int) -> Bool {
        chainrule_product(a, aRow, aCol, b, bRow, bCol, c, m, k, n) != 0
    }
}
