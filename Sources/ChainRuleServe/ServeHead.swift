/// A request's head (request line and header lines) as read off a
/// connection, and the reading rules: where a head ends, and what is
/// refused before any route sees it.
///
/// The connection reads at most `ServeSecurity.maxHeaderBytes` before the
/// head's end (`end(in:from:)` scans each byte once), so a hostile client
/// costs bounded time and memory: a longer head is refused with 414 (no
/// request line end yet) or 431 and the connection closed.
package struct ServeHead: Sendable, Equatable {
    package var method: String
    package var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    package var version: String
    /// Header names in lower case → value (repeated headers joined with ", ").
    package var headers: [String: String]
    /// Bytes of the head as received.
    package var bytes: Int

    /// Whether the connection stays open after the response (HTTP/1.1
    /// unless `Connection: close`; HTTP/1.0 only with `keep-alive`).
    package var keepAlive: Bool {
        let connection = headers["connection"]?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }

    /// A head that breaks the rules: answered with `status` and the
    /// connection closed.
    package struct Refusal: Error, Sendable, Equatable {
        package var status: Int
        package var message: String
    }

    /// Where the head in `buffer` ends: `head` is the length up to (not
    /// including) the empty line, `next` where the body starts. Looks from
    /// `start` on (pass how far the last call got, less 3, to scan each byte
    /// once). Accepts CRLF and bare LF line ends.
    package static func end(in buffer: [UInt8], from start: Int) -> (head: Int, next: Int)? {
        var i = max(start, 0)
        while i < buffer.count {
            if buffer[i] == 0x0A {
                if i + 1 < buffer.count, buffer[i + 1] == 0x0A { return (i + 1, i + 2) }
                if i + 2 < buffer.count, buffer[i + 1] == 0x0D, buffer[i + 2] == 0x0A { return (i + 1, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// The refusal for a buffer that grew past the limit without ending its head.
    package static func tooLarge(_ buffer: [UInt8]) -> Refusal {
        if !buffer.contains(0x0A) {
            return Refusal(status: 414, message: "request line longer than \(ServeSecurity.maxTargetBytes) bytes refused")
        }
        return Refusal(status: 431, message: "request headers larger than \(ServeSecurity.maxHeaderBytes / 1024) KiB refused")
    }

    /// Parses the head's bytes (without the empty line that ends it).
    package static func parse(_ bytes: ArraySlice<UInt8>) throws(Refusal) -> ServeHead {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        // Empty lines before a request line are ignored (RFC 9112 §2.2).
        while lines.first?.isEmpty == true { lines.removeFirst() }
        guard let first = lines.first else { throw Refusal(status: 400, message: "empty request") }
        let parts = first.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw Refusal(status: 400, message: "bad request line (expected METHOD TARGET HTTP/1.1)")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw Refusal(status: 400, message: "only HTTP/1.0 and HTTP/1.1 are spoken here")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            // A continuation line (obsolete folding) or a name with a space is refused (RFC 9112 §5).
            guard let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
                  !line[..<colon].contains(where: { $0 == 0x20 || $0 == 0x09 }) else {
                throw Refusal(status: 400, message: "bad header line")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[line.index(after: colon)...], as: UTF8.self).trimmedBlanks
            if let old = headers[name] {
                // Two lengths could frame the body two ways: refused (RFC 9112 §6.3).
                if name == "content-length" { throw Refusal(status: 400, message: "more than one Content-Length") }
                headers[name] = old + ", " + value
            } else {
                headers[name] = value
            }
        }
        return ServeHead(method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: parts[1], as: UTF8.self),
                         version: version, headers: headers, bytes: bytes.count)
    }
}

private extension String {
    /// Without leading and trailing spaces and tabs (a header value's optional whitespace).
    var trimmedBlanks: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex { $0 != " " && $0 != "\t" }!
        return String(scalars[first...last])
    }
}
