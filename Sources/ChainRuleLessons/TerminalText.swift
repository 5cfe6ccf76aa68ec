/// Makes text from a lesson file inert on a terminal and valid in XML/HTML.
///
/// A lesson is someone else's file: its title, prose and notes are printed
/// to the terminal (`chainrule lesson`, `lessons`, `export`'s summary) and
/// written into SVG and HTML. A raw ESC in that text could recolour or clear
/// the screen, set the window title (OSC `ESC ] 0 ; … BEL`) or worse, and
/// most C0 controls are not allowed in XML at all. So every C0 control except
/// tab, line feed and carriage return, DEL, and every C1 control (U+0080 to
/// U+009F, which some terminals treat like ESC sequences) is replaced by a
/// visible stand-in: U+2400 + code for C0 (ESC shows as `␛`, BEL as `␇`),
/// `␡` for DEL, `�` for C1. One scalar becomes one scalar, so line and
/// column numbers in messages stay right.
public enum TerminalText {
    public static func inert(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsReplacing) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars { out.append(needsReplacing(s) ? replacement(s) : s) }
        return String(out)
    }

    static func needsReplacing(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00..<0x20, 0x7F...0x9F: return true
        default: return false
        }
    }

    static func replacement(_ s: Unicode.Scalar) -> Unicode.Scalar {
        switch s.value {
        case 0x00..<0x20: return Unicode.Scalar(0x2400 + s.value)!
        case 0x7F: return "\u{2421}"
        default: return "\u{FFFD}"
        }
    }
}
