import Foundation

/// Text files compiled into a target by the EmbedFiles build plugin: the
/// plugin writes each target's `embeddedFiles` (path and base64 contents),
/// and this decodes them once, by name. An installed `chainrule` needs no
/// resource bundle.
package struct EmbeddedTexts: Sendable {
    /// File name (`slideshow.js`) → text.
    package let files: [String: String]

    /// Decodes a target's `embeddedFiles`.
    package init(_ entries: [(path: String, base64: String)]) {
        var files: [String: String] = [:]
        for entry in entries {
            if let data = Data(base64Encoded: entry.base64) { files[entry.path] = String(decoding: data, as: UTF8.self) }
        }
        self.files = files
    }

    /// The text of `name`; asking for a file that was not compiled in is a
    /// programming error (the names are fixed in the code that asks).
    package func text(_ name: String) -> String {
        guard let text = files[name] else { preconditionFailure("Embedded/\(name) was not compiled in") }
        return text
    }
}
