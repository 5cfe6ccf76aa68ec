import FlyingFox
import FlyingSocks
import Foundation

/// The HTTP server: FlyingFox (docs/SERVE.md says why), bound to one
/// address, handing every request to `ServeRoutes`. The only file that
/// knows FlyingFox; everything else is plain Swift that tests call
/// directly.
package final class ServeServer: Sendable {
    package let routes: ServeRoutes
    package let host: String
    package let port: UInt16
    private let server: HTTPServer
    /// The longest a request may take to answer (not to stream): a lesson
    /// that trains a network is exported on its first view, which can take
    /// a while on a slow machine.
    static let handlerTimeout: TimeInterval = 300

    /// A server for `routes` on `host:port` (port 0: the system picks a free one).
    package init(routes: ServeRoutes, host: String, port: UInt16) throws(ServeFailure) {
        self.routes = routes
        self.host = host
        self.port = port
        let handler = Handler(routes: routes)
        do {
            if host.contains(":") {
                let address = try sockaddr_in6.inet6(ip6: host, port: port)
                server = HTTPServer(config: .init(address: address, timeout: Self.handlerTimeout, logger: .disabled), handler: handler)
            } else {
                let address = try sockaddr_in.inet(ip4: host, port: port)
                server = HTTPServer(config: .init(address: address, timeout: Self.handlerTimeout, logger: .disabled), handler: handler)
            }
        } catch {
            throw ServeFailure(message: "'\(host)' is not an IP address to listen on (use 127.0.0.1, 0.0.0.0, ::1 or ::)")
        }
    }

    /// Runs until `stop`; `listening` is called once with the bound port.
    package func run(listening: @escaping @Sendable (UInt16) -> Void) async throws {
        let server = self.server
        let task = Task { try await server.run() }
        do {
            try await server.waitUntilListening(timeout: 10)
        } catch {
            task.cancel()
            // run() failed (address in use, no permission): its error says why.
            _ = try await task.value
            throw error
        }
        var bound = port
        if let address = await server.listeningAddress {
            switch address {
            case .ip4(_, let p), .ip6(_, let p): bound = p
            case .unix: break
            }
        }
        listening(bound)
        _ = try? await task.value
    }

    /// Ends every event stream, then closes the server (open requests get a second).
    package func stop() async {
        await routes.hub.finishAll()
        for g in routes.graphs { await g.stop() }
        await server.stop(timeout: 1)
    }

    struct Handler: HTTPHandler {
        let routes: ServeRoutes

        func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
            var headers: [String: String] = [:]
            var size = request.method.rawValue.utf8.count + request.target.rawValue.utf8.count + 12
            for (name, value) in request.headers {
                headers[name.rawValue.lowercased()] = value
                size += name.rawValue.utf8.count + value.utf8.count + 4
            }
            let served = await routes.respond(ServeRequest(method: request.method.rawValue, target: request.target.rawValue,
                                                           headers: headers, headerBytes: size))
            var out = HTTPHeaders()
            for (name, value) in served.headers { out.addValue(value, for: HTTPHeader(name)) }
            let status = HTTPStatusCode(served.status, phrase: ServeResponse.reason(served.status))
            switch served.body {
            case .bytes(let bytes):
                return HTTPResponse(statusCode: status, headers: out, body: request.method == .HEAD ? Data() : Data(bytes))
            case .events(let events):
                return HTTPResponse(statusCode: status, headers: out, body: HTTPBodySequence(from: EventBytes(stream: events.stream), suggestedBufferSize: 1 << 20))
            }
        }
    }
}

/// An event stream as the bytes of a response body, one event per chunk.
struct EventBytes: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let stream: AsyncStream<[UInt8]>

    func makeAsyncIterator() -> Iterator { Iterator(base: stream.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<[UInt8]>.Iterator
        var pending: ArraySlice<UInt8> = []

        mutating func next() async throws -> UInt8? {
            if pending.isEmpty {
                guard let bytes = await base.next() else { return nil }
                pending = bytes[...]
            }
            return pending.popFirst()
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            if pending.isEmpty {
                guard let bytes = await base.next() else { return nil }
                pending = bytes[...]
            }
            let n = Swift.min(Swift.max(count, 1), pending.count)
            let out = Array(pending.prefix(n))
            pending = pending.dropFirst(n)
            return out
        }
    }
}
