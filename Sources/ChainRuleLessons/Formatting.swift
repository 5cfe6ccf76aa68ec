import ChainRule
import ChainRuleRender

/// Shorthands for the lessons' text. There is one number formatter
/// (`NumberFormat`) and one tensor formatter (`TensorFormat`) for everything
/// people read; these only pick their settings (6 significant digits in
/// text by default, the Unicode minus, `0` for rounding noise).
package enum LessonFormat {
    /// `x` with at most `digits` significant digits (`220`, `1.1`, `−3`, `1.234e−4`).
    package static func number(_ x: Double, digits: Int = 6) -> String {
        NumberFormat(significantDigits: digits).string(x)
    }

    /// Every digit needed to read the `Double` back (`3.297442541400256`).
    package static func precise(_ x: Double) -> String {
        NumberFormat.text.roundTrip(x)
    }

    /// A tensor on one line (see `TensorFormat`); entries below `zeroBelow` show as `0`.
    package static func tensor(_ t: Tensor, digits: Int = 4, maxItems: Int = 6, maxRows: Int = 3, zeroBelow: Double = 0) -> String {
        TensorFormat(number: NumberFormat(significantDigits: digits), maxItems: maxItems, maxRows: maxRows)
            .string(t, zeroBelow: zeroBelow)
    }
}
