import ChainRuleSupport
import Foundation

/// Makes PDF output reproducible: cairo 1.16 (Debian 12) stamps every PDF
/// with `/CreationDate (D:YYYYMMDDHHMMSSZ)` from the clock and ignores
/// SOURCE_DATE_EPOCH, so the same figure gave different bytes a second later
/// (same input, same bytes). The date is replaced in place by one
/// of the same length — SOURCE_DATE_EPOCH when set, else 2000-01-01 — so
/// every offset in the file's cross-reference table stays right.
enum PDFDate {
    static let key = Array("/CreationDate (D:".utf8)

    static func reproducible(_ pdf: [UInt8]) -> [UInt8] {
        guard let start = firstIndex(of: key, in: pdf) else { return pdf }
        let from = start + key.count
        // Digits up to the closing parenthesis (cairo writes 14 digits and Z).
        guard let close = pdf[from...].prefix(32).firstIndex(of: UInt8(ascii: ")")) else { return pdf }
        let stamp = Array(stampText.utf8)
        guard close - from == stamp.count else { return pdf }
        var out = pdf
        out.replaceSubrange(from..<close, with: stamp)
        return out
    }

    /// `YYYYMMDDHHMMSSZ` for SOURCE_DATE_EPOCH, else 2000-01-01 00:00:00 UTC.
    static let stampText: String = {
        let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Double($0) } ?? 946_684_800
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMddHHmmss"
        return formatter.string(from: Date(timeIntervalSince1970: epoch)) + "Z"
    }()
}
