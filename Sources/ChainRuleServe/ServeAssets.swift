import ChainRuleSupport
import Foundation

/// The server's web files: the live view's script and styles, the shared
/// page styles and the follow-mode script of served slideshows. They are
/// real files in `Embedded/` (read and linted as JavaScript and CSS),
/// compiled into the binary by the EmbedFiles plugin, so an installed
/// `chainrule` needs no resource bundle.
enum ServeAssets {
    static let embedded = EmbeddedTexts(embeddedFiles)
    /// File name → text.
    static var files: [String: String] { embedded.files }
    /// The text of `name`; every name the server asks for is in `Embedded/`.
    static func text(_ name: String) -> String { embedded.text(name) }
}
