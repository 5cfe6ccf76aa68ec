import Foundation

/// The server's web files: the live view's script and styles, the shared
/// page styles and the follow-mode script of served slideshows. They are
/// real files in `Embedded/` (read and linted as JavaScript and CSS),
/// compiled into the binary by the EmbedFiles plugin, so an installed
/// `chainrule` needs no resource bundle.
enum ServeAssets {
    /// File name (`live.js`) → text.
    static let files: [String: String] = {
        var out: [String: String] = [:]
        for entry in embeddedFiles {
            if let data = Data(base64Encoded: entry.base64) { out[entry.path] = String(decoding: data, as: UTF8.self) }
        }
        return out
    }()

    /// The text of `name`; every name the server asks for is in `Embedded/`.
    static func text(_ name: String) -> String {
        guard let text = files[name] else { preconditionFailure("Embedded/\(name) was not compiled in") }
        return text
    }
}
