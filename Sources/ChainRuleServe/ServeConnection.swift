import FlyingSocks
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One client connection: HTTP/1.1 requests read with bounds, answered by
/// `ServeRoutes`, kept alive between requests; an event stream holds the
/// connection until the page or the server goes away.
///
/// Every read is bounded in size and time, so no client can hold more
/// than a few kilobytes or keep a half-sent request open:
/// - a head (request line and headers) of at most `ServeSecurity.maxHeaderBytes`
///   (more: 414 or 431, then closed), scanned once;
/// - a body only when it is small (`ServeSecurity.maxBodyBytes`); a larger
///   or chunked one is refused (413) unread, and the connection closed;
/// - `idleTimeout` for the next request to start, `headTimeout` for it to
///   arrive in full once it has started, `writeTimeout` for a response (or
///   one event) to leave.
struct ServeConnection: Sendable {
    let socket: AsyncSocket
    let routes: ServeRoutes

    /// How long an open connection may wait for its next request.
    static let idleTimeout: Double = 60
    /// How long a request may take to arrive once its first bytes have.
    static let headTimeout: Double = 10
    /// How long a response, or one event, may take to be sent (a page that stops reading is dropped).
    static let writeTimeout: Double = 30

    struct Timeout: Error {}

    /// Serves requests until the client closes, a limit is hit, or the task is cancelled.
    func run() async {
        defer { try? socket.close() }
        var buffer: [UInt8] = []
        while !Task.isCancelled {
            let head: ServeHead
            do {
                head = try await readHead(&buffer)
            } catch let refusal as ServeHead.Refusal {
                _ = try? await send(.message(refusal.status, refusal.message), method: "GET", keepAlive: false)
                // Too large: the rest of it is still coming.
                if refusal.status == 414 || refusal.status == 431 { await linger() }
                return
            } catch {
                return  // closed, timed out or cancelled
            }
            // A small body is read (and dropped: the server takes no uploads); any other is refused unread.
            var bodyUnread = head.headers["transfer-encoding"] != nil
            if let length = head.headers["content-length"] {
                if let n = Int(length), (0...ServeSecurity.maxBodyBytes).contains(n), !bodyUnread {
                    do { try await readBody(n, &buffer) } catch { return }
                } else {
                    bodyUnread = true
                }
            }
            let request = ServeRequest(method: head.method, target: head.target, headers: head.headers, headerBytes: head.bytes)
            let response = await routes.respond(request)
            let keepAlive = head.keepAlive && !bodyUnread
            do {
                guard try await send(response, method: head.method, keepAlive: keepAlive) else {
                    if bodyUnread { await linger() }
                    return
                }
            } catch {
                return
            }
        }
    }

    /// Bytes and time a refused client may still send before the close.
    static let lingerBytes = 1 << 20
    static let lingerTimeout: Double = 2

    /// After a refusal that left input unread: stops writing, then reads
    /// and drops what the client still sends (at most `lingerBytes`, for at
    /// most `lingerTimeout`), so that closing with unread bytes does not
    /// reset the connection before the client has read the answer.
    func linger() async {
        _ = shutdown(socket.socket.file.rawValue, Int32(SHUT_WR))
        let deadline = ContinuousClock.now + .milliseconds(Int(Self.lingerTimeout * 1000))
        var dropped = 0
        while dropped < Self.lingerBytes {
            let left = deadline - ContinuousClock.now
            guard left > .zero, let bytes = try? await read(atMost: 4096, within: Double(left.components.seconds) + Double(left.components.attoseconds) * 1e-18)
            else { return }
            dropped += bytes.count
        }
    }

    /// Reads up to the end of the next head (keeping what follows it in `buffer`).
    func readHead(_ buffer: inout [UInt8]) async throws -> ServeHead {
        var scanned = 0
        var started = !buffer.isEmpty
        while true {
            if let end = ServeHead.end(in: buffer, from: scanned - 3) {
                let head = try ServeHead.parse(buffer[..<end.head])
                buffer.removeFirst(end.next)
                return head
            }
            guard buffer.count <= ServeSecurity.maxHeaderBytes else { throw ServeHead.tooLarge(buffer) }
            scanned = buffer.count
            let limit = ServeSecurity.maxHeaderBytes + 1 - buffer.count
            buffer += try await read(atMost: min(limit, 4096), within: started ? Self.headTimeout : Self.idleTimeout)
            started = true
        }
    }

    /// Reads and drops a body of `count` bytes (at most `maxBodyBytes`).
    func readBody(_ count: Int, _ buffer: inout [UInt8]) async throws {
        while buffer.count < count {
            buffer += try await read(atMost: count - buffer.count, within: Self.headTimeout)
        }
        buffer.removeFirst(count)
    }

    func read(atMost count: Int, within seconds: Double) async throws -> [UInt8] {
        let socket = self.socket
        return try await Self.within(seconds) { try await socket.read(atMost: count) }
    }

    /// Sends `response`; `false` if the connection must close after it
    /// (an event stream, which ends when the page or the server goes away).
    func send(_ response: ServeResponse, method: String, keepAlive: Bool) async throws -> Bool {
        var head = "HTTP/1.1 \(response.status) \(ServeResponse.reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        switch response.body {
        case .bytes(let bytes):
            head += "Content-Length: \(bytes.count)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
            try await write(Array(head.utf8) + (method == "HEAD" ? [] : bytes))
            return keepAlive
        case .events(let events):
            // The stream's end is the connection's end (no length, no chunks).
            head += "Connection: close\r\n\r\n"
            try await write(Array(head.utf8))
            guard method != "HEAD" else { return false }
            for await bytes in events.stream { try await write(bytes) }
            return false
        }
    }

    /// Writes all of `bytes`: at once if the socket takes them, else waiting
    /// (at most `writeTimeout`) for room.
    func write(_ bytes: [UInt8]) async throws {
        let data = Data(bytes)
        var sent = data.startIndex
        do {
            while sent < data.endIndex { sent = try socket.socket.write(data, from: sent) }
            return
        } catch SocketError.blocked {}
        let socket = self.socket
        let rest = data[sent...]
        try await Self.within(Self.writeTimeout) { try await socket.write(Data(rest)) }
    }

    /// `body`'s result, or `Timeout` after `seconds` (`body` is then cancelled).
    static func within<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Timeout() }
            return value
        }
    }
}
