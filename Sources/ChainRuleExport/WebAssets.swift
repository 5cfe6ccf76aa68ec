import Foundation

/// The exporter's web files: the slideshow's script and styles and the
/// lesson list's styles. They are real files in `Embedded/` (read, linted
/// and diffed as JavaScript and CSS), compiled into the binary by the
/// EmbedFiles plugin, so an installed `chainrule` needs no resource bundle.
enum WebAssets {
    /// File name (`slideshow.js`) → text.
    static let files: [String: String] = {
        var out: [String: String] = [:]
        for entry in embeddedFiles {
            if let data = Data(base64Encoded: entry.base64) { out[entry.path] = String(decoding: data, as: UTF8.self) }
        }
        return out
    }()

    /// The text of `name`; every name the exporter asks for is in `Embedded/`.
    static func text(_ name: String) -> String {
        guard let text = files[name] else { preconditionFailure("Embedded/\(name) was not compiled in") }
        return text
    }
}
