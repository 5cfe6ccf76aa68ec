import FlyingSocks
import Foundation
import Synchronization

/// The HTTP server: a listening socket on one address, FlyingSocks' event
/// loop (epoll) for non-blocking sockets, and one `ServeConnection` per
/// client, each answered by `ServeRoutes`.
///
/// It uses FlyingSocks, the socket layer of FlyingFox, and not FlyingFox's
/// HTTP module: that one imports FoundationNetworking, which made every
/// `chainrule` command load libcurl and its TLS, Kerberos and LDAP libraries
/// at start-up, and it reads request headers without a bound
/// (docs/SERVE.md). The HTTP framing here is small: bounded heads, no
/// request bodies, `Content-Length` responses and event streams.
package final class ServeServer: Sendable {
    package let routes: ServeRoutes
    package let host: String
    package let port: UInt16
    /// Whether `host` is an IPv6 address.
    let ipv6: Bool
    /// The most connections open at once (event streams included); more are
    /// answered 503 and closed.
    let maxConnections: Int
    private let state = Mutex<State>(State())

    struct State {
        var task: Task<Void, any Error>?
        var stopped = false
        var open = 0
    }

    /// A server for `routes` on `host:port` (port 0: the system picks a free one).
    package init(routes: ServeRoutes, host: String, port: UInt16) throws(ServeFailure) {
        self.routes = routes
        self.host = host
        self.port = port
        self.maxConnections = routes.hub.limit + ServeLimits.spareConnections
        if (try? sockaddr_in.inet(ip4: host, port: port)) != nil {
            ipv6 = false
        } else if host.contains(":"), (try? sockaddr_in6.inet6(ip6: host, port: port)) != nil {
            ipv6 = true
        } else {
            throw ServeFailure(message: "'\(host)' is not an IP address to listen on (use 127.0.0.1, 0.0.0.0, ::1 or ::)")
        }
    }

    /// Listens, calls `listening` once with the bound port, and serves until `stop`.
    package func run(listening: @escaping @Sendable (UInt16) -> Void) async throws {
        let pool: SocketPool<ePoll> = .ePoll()
        try await pool.prepare()
        let socket = try listen()
        defer { try? socket.close() }
        var bound = port
        if case .ip4(_, let p)? = try? socket.sockname() { bound = p }
        if case .ip6(_, let p)? = try? socket.sockname() { bound = p }
        let listener = try AsyncSocket(socket: socket, pool: pool)
        let task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await pool.run() }
                group.addTask { await self.accept(on: listener) }
                _ = try await group.next()
                group.cancelAll()
            }
        }
        let stopped = state.withLock { state in
            state.task = task
            return state.stopped
        }
        if stopped { task.cancel() }
        listening(bound)
        _ = try? await task.value
    }

    /// Ends every event stream, waits a moment for their last bytes, then closes every connection.
    package func stop() async {
        await routes.hub.finishAll()
        for g in routes.graphs { await g.stop() }
        try? await Task.sleep(for: .milliseconds(200))
        let task = state.withLock { state in
            state.stopped = true
            return state.task
        }
        task?.cancel()
    }

    /// A listening socket on `host:port`.
    func listen() throws -> Socket {
        let socket: Socket
        if ipv6 {
            socket = try Socket(domain: Int32(sockaddr_in6.family))
            try socket.setValue(true, for: .localAddressReuse)
            try socket.bind(to: sockaddr_in6.inet6(ip6: host, port: port))
        } else {
            socket = try Socket(domain: Int32(sockaddr_in.family))
            try socket.setValue(true, for: .localAddressReuse)
            try socket.bind(to: sockaddr_in.inet(ip4: host, port: port))
        }
        try socket.listen()
        return socket
    }

    /// Accepts connections until cancelled, each served in its own task.
    /// A failed accept (out of descriptors) waits a moment and goes on.
    func accept(on listener: AsyncSocket) async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let client: AsyncSocket
                do {
                    client = try await listener.accept()
                } catch {
                    if Task.isCancelled { break }
                    try? await Task.sleep(for: .milliseconds(50))
                    continue
                }
                let admitted = state.withLock { state in
                    guard state.open < maxConnections else { return false }
                    state.open += 1
                    return true
                }
                let routes = self.routes
                group.addTask {
                    let connection = ServeConnection(socket: client, routes: routes)
                    if admitted {
                        await connection.run()
                        self.state.withLock { $0.open -= 1 }
                    } else {
                        _ = try? await connection.send(.message(503, "this server is full: \(self.maxConnections) connections are open, the most it allows; try again in a moment",
                                                                extra: [("Retry-After", "10")]), method: "GET", keepAlive: false)
                        try? client.close()
                    }
                }
            }
        }
    }
}
