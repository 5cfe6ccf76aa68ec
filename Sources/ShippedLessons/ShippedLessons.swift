import Foundation

/// The lessons shipped with ChainRule, embedded in the executable at build
/// time by the EmbedFiles plugin (from `Lessons/`), so an installed or
/// copied `chainrule` plays them from any folder with no setup.
public enum ShippedLessons {
    /// Relative path (`01-apples.md`, `data/digits.csv`) → file bytes.
    public static let files: [String: Data] = {
        var out: [String: Data] = [:]
        for entry in embeddedFiles {
            if let data = Data(base64Encoded: entry.base64) { out[entry.path] = data }
        }
        return out
    }()
}
