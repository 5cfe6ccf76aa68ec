import ChainRuleSupport
import Foundation

/// The exporter's web files: the slideshow's script and styles and the
/// lesson list's styles. They are real files in `Embedded/` (read, linted
/// and diffed as JavaScript and CSS), compiled into the binary by the
/// EmbedFiles plugin, so an installed `chainrule` needs no resource bundle.
enum WebAssets {
    static let embedded = EmbeddedTexts(embeddedFiles)
    /// File name → text.
    static var files: [String: String] { embedded.files }
    /// The text of `name`; every name the exporter asks for is in `Embedded/`.
    static func text(_ name: String) -> String { embedded.text(name) }
}
