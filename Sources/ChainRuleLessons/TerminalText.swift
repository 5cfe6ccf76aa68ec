import ChainRuleSupport

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
package enum TerminalText {
    /// `text` with its control characters replaced (`Escape.terminal`).
    package static func inert(_ text: String) -> String { Escape.terminal(text) }
}
