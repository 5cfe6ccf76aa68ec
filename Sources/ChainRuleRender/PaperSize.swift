import Foundation

/// The paper a worksheet is printed on.
public enum PaperSize: String, Sendable, CaseIterable {
    /// ISO A4, 210 × 297 mm (595 × 842 pt).
    case a4
    /// US Letter, 8.5 × 11 in (612 × 792 pt).
    case letter

    /// Width and height in points, portrait.
    public var points: (width: Double, height: Double) {
        switch self {
        case .a4: return (595, 842)
        case .letter: return (612, 792)
        }
    }

    /// Territories whose paper is Letter (the rest of the world uses A4).
    static let letterTerritories: Set<String> = ["US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PA", "SV",
                                                  "NI", "HN", "DO", "PR", "BZ", "BO"]

    /// The locale's paper: Letter when the first of `LC_ALL`, `LC_PAPER` and
    /// `LANG` that is set names a Letter territory (`en_US.UTF-8`, `es_MX`,
    /// `fr_CA`), else A4.
    public static func forLocale(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> PaperSize {
        for key in ["LC_ALL", "LC_PAPER", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            // language[_TERRITORY][.codeset][@modifier]
            let locale = value.split(separator: ".").first.map(String.init) ?? value
            let parts = locale.split(separator: "@").first.map { $0.split(separator: "_") } ?? []
            if parts.count >= 2, letterTerritories.contains(String(parts[1]).uppercased()) { return .letter }
            return .a4
        }
        return .a4
    }
}
