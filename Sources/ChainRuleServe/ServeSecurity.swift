import Foundation

/// What the server refuses before any route sees a request, the
/// Content-Security-Policy of its pages, and the presenter's token.
///
/// The server is read-only: no request writes anything, and no part of a
/// URL ever becomes a file path. Routes name graphs by number and lessons
/// by id, both looked up in what the command line named; a path that is
/// not one of those is 404, and one that tries to climb (`..`, also
/// percent-encoded, or a backslash or NUL) is refused with 400.
package enum ServeSecurity {
    /// The longest request target accepted (longer → 414).
    package static let maxTargetBytes = 2048
    /// The most bytes of request line and headers accepted (more → 431).
    package static let maxHeaderBytes = 16 * 1024
    /// The largest request body accepted (larger → 413). The server takes
    /// no uploads: a presenter's step is in the query, so bodies are empty.
    package static let maxBodyBytes = 1024

    /// The refusal for a request that breaks a limit or tries to climb out
    /// of the served roots, or `nil` when it may go on to the routes.
    package static func refusal(_ request: ServeRequest) -> ServeResponse? {
        guard ["GET", "HEAD", "POST"].contains(request.method) else {
            return .message(405, "method \(request.method.prefix(16)) not allowed: this server only shows pages (GET) and takes a presenter's step (POST)",
                            extra: [("Allow", "GET, HEAD, POST")])
        }
        if request.target.utf8.count > maxTargetBytes {
            return .message(414, "request target longer than \(maxTargetBytes) bytes refused")
        }
        if request.headerBytes > maxHeaderBytes {
            return .message(431, "request headers larger than \(maxHeaderBytes / 1024) KiB refused")
        }
        if let length = request.headers["content-length"] {
            guard let n = Int(length.trimmingCharacters(in: .whitespaces)), n >= 0 else {
                return .message(400, "bad Content-Length")
            }
            if n > maxBodyBytes { return .message(413, "request body of \(n) bytes refused: this server takes no uploads (at most \(maxBodyBytes) bytes)") }
        }
        if request.headers["transfer-encoding"] != nil {
            return .message(413, "request bodies in chunks refused: this server takes no uploads")
        }
        if climbs(request.rawPath) {
            return .message(400, "path refused: it tries to leave the served files (.., an encoded dot or slash, a backslash or NUL)")
        }
        return nil
    }

    /// Whether a raw (percent-encoded) path tries to climb out of a root:
    /// a `.` or `..` segment, literally or percent-encoded, an encoded `/`,
    /// a backslash, a NUL or any control character, or invalid encoding.
    package static func climbs(_ rawPath: String) -> Bool {
        guard rawPath.hasPrefix("/") else { return true }
        let lower = rawPath.lowercased()
        for bad in ["%2f", "%5c", "%00", "\\", "%2e"] where lower.contains(bad) { return true }
        guard let decoded = rawPath.removingPercentEncoding else { return true }
        if decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) { return true }
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: false) where segment == "." || segment == ".." {
            return true
        }
        return false
    }

    /// The policy of every page: the export's (nothing from the network,
    /// inline styles, data: images, only the page's own scripts by hash)
    /// plus `connect-src 'self'` for the page's event stream and the
    /// presenter's steps.
    package static func pagePolicy(scriptHashes: [String]) -> String {
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src \(scriptHashes.joined(separator: " ")); connect-src 'self'; base-uri 'none'; form-action 'none'"
    }

    /// The policy of data responses (JSON, SVG fragments, messages): nothing runs.
    package static let dataPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'"

    /// Headers every response carries.
    package static func headers(csp: String) -> [(String, String)] {
        [("Content-Security-Policy", csp + "; frame-ancestors 'none'"),
         ("X-Content-Type-Options", "nosniff"),
         ("Referrer-Policy", "no-referrer"),
         ("Cache-Control", "no-store")]
    }

    /// 128 random bits as 32 hex digits (`SystemRandomNumberGenerator`:
    /// the system's cryptographic generator).
    package static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let s = String(rng.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }.joined()
    }

    /// Compares a token in time that does not depend on where it differs.
    package static func sameToken(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    /// Whether `path` (resolved, symlinks followed) lies inside `root` (resolved).
    package static func isInside(_ path: String, root: String) -> Bool {
        let p = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let r = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        return p == r || p.hasPrefix(r.hasSuffix("/") ? r : r + "/")
    }
}
