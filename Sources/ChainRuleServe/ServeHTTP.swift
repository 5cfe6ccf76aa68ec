/// A request as `ServeRoutes` sees it: plain values, independent of the
/// sockets (only `ServeServer` and `ServeConnection` know FlyingSocks).
package struct ServeRequest: Sendable {
    /// `GET`, `HEAD`, `POST`, … as sent.
    package var method: String
    /// The request target exactly as sent, percent-encoding kept: `/graph/1/events`.
    package var target: String
    /// Header names in lower case → value.
    package var headers: [String: String]
    /// Bytes of the request line and headers as received (for the size limit).
    package var headerBytes: Int

    package init(method: String, target: String, headers: [String: String], headerBytes: Int? = nil) {
        self.method = method
        self.target = target
        self.headers = headers
        self.headerBytes = headerBytes ?? (method.utf8.count + target.utf8.count + headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 4 })
    }

    /// The path part of the target, still percent-encoded.
    package var rawPath: String { String(target.prefix { $0 != "?" }) }

    /// The query's `name=value` pairs (percent-decoded).
    package var query: [String: String] {
        guard let q = target.firstIndex(of: "?") else { return [:] }
        var out: [String: String] = [:]
        for pair in target[target.index(after: q)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            out[name] = value
        }
        return out
    }
}

/// A response: a status, headers and either bytes or a stream of
/// server-sent events.
package struct ServeResponse: Sendable {
    package enum Body: Sendable {
        case bytes([UInt8])
        case events(EventStream)
    }

    package var status: Int
    package var headers: [(String, String)]
    package var body: Body

    package init(status: Int, headers: [(String, String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as text (tests; events give "").
    package var text: String {
        if case .bytes(let b) = body { return String(decoding: b, as: UTF8.self) }
        return ""
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// A page, with the served Content-Security-Policy.
    package static func html(_ text: String, csp: String, status: Int = 200) -> ServeResponse {
        ServeResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")] + ServeSecurity.headers(csp: csp),
                      body: .bytes(Array(text.utf8)))
    }

    /// Data for the page's script (JSON or SVG markup), never a page itself.
    package static func data(_ text: String, type: String) -> ServeResponse {
        ServeResponse(status: 200, headers: [("Content-Type", type)] + ServeSecurity.headers(csp: ServeSecurity.dataPolicy),
                      body: .bytes(Array(text.utf8)))
    }

    /// A refusal or an error, as one line of plain text that says why.
    package static func message(_ status: Int, _ text: String, extra: [(String, String)] = []) -> ServeResponse {
        ServeResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + extra + ServeSecurity.headers(csp: ServeSecurity.dataPolicy),
                      body: .bytes(Array((text + "\n").utf8)))
    }

    /// The reason phrase of the statuses the server sends.
    package static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status \(status)"
        }
    }
}
