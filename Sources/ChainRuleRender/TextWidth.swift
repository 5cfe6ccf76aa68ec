/// Estimated advance widths of DejaVu Sans (the figures' font), used to give
/// label columns a minimum width that fits everything they will ever show,
/// so frames with `?` keep the layout's geometry. Deliberately generous.
enum TextWidth {
    /// Advance widths in em (DejaVu Sans, 2048 units per em), oblique alike.
    private static let advances: [Character: Double] = {
        var t: [Character: Double] = [:]
        for d in "0123456789" { t[d] = 1303.0 / 2048 }
        t["."] = 651.0 / 2048; t[","] = 651.0 / 2048; t[" "] = 651.0 / 2048
        t["-"] = 739.0 / 2048; t["\u{2212}"] = 1716.0 / 2048; t["+"] = 1716.0 / 2048; t["="] = 1716.0 / 2048
        t["e"] = 1260.0 / 2048; t["?"] = 1087.0 / 2048; t["N"] = 1532.0 / 2048; t["a"] = 1255.0 / 2048
        t["∞"] = 1716.0 / 2048; t["∂"] = 1264.0 / 2048; t["Σ"] = 1296.0 / 2048
        return t
    }()

    /// Width in points of `s` at `size` points, rounded up generously.
    static func estimate(_ s: String, size: Double) -> Double {
        let em = s.reduce(0.0) { $0 + (advances[$1] ?? 0.8) }
        return em * size * 1.04 + 1
    }
}
