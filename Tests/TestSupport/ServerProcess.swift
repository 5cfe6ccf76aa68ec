#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A `chainrule serve` started for a test (with `--port 0`): the same clean
/// environment, own process group and output files as `ProcessRunner`, its
/// start-up lines read back (the port, the presenter URL), a raw HTTP
/// client that sends exactly the bytes a test gives (no client-side path
/// clean-up, so `..` reaches the server), and a stop by SIGINT (Ctrl-C)
/// that is checked to end the server cleanly. Killed with its group if a
/// test forgets it or it does not stop.
public final class ServerProcess: @unchecked Sendable {
    public let process: RunningProcess
    public let folder: URL
    /// The port it listens on (read from `chainrule serve: http://127.0.0.1:PORT/`).
    public private(set) var port: Int = 0
    /// Every line start-up printed.
    public private(set) var banner: [String] = []

    /// Starts `executable arguments` and waits (up to `timeout`) for its start-up lines.
    public init(_ executable: String, _ arguments: [String], directory: URL? = nil, timeout: Double = 120) throws {
        folder = try Repository.temporaryDirectory("serve")
        process = try RunningProcess(command: [executable] + arguments, environment: ProcessRunner.cleanEnvironment,
                                     directory: directory?.path, stdin: "/dev/null",
                                     stdout: folder.appendingPathComponent("out").path, stderr: folder.appendingPathComponent("err").path)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let out = stdout
            if out.contains("Ctrl-C stops the server.") {
                banner = out.split(separator: "\n").map(String.init)
                if let line = banner.first(where: { $0.hasPrefix("chainrule serve: http://") }),
                   let colon = line.range(of: ":", options: .backwards) {
                    port = Int(line[colon.upperBound...].prefix { $0.isNumber }) ?? 0
                }
                return
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        process.killGroup()
        throw Failure(description: "chainrule serve did not start: \(stdout)\n\(stderr)")
    }

    deinit { if process.isRunning { process.killGroup() } }

    public struct Failure: Error, CustomStringConvertible { public var description: String }

    public var stdout: String { String(decoding: FileManager.default.contents(atPath: folder.appendingPathComponent("out").path) ?? Data(), as: UTF8.self) }
    public var stderr: String { String(decoding: FileManager.default.contents(atPath: folder.appendingPathComponent("err").path) ?? Data(), as: UTF8.self) }

    /// The value after `name: ` in the start-up lines (`presenter`, `follow`).
    public func bannerValue(_ name: String) -> String? {
        banner.first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
    }

    /// Sends SIGINT (Ctrl-C) and waits for the exit; the exit status, or `nil` if it had to be killed.
    @discardableResult
    public func interrupt(timeout: Double = 30) -> Int32? {
        kill(process.processIdentifier, SIGINT)
        if process.wait(timeout: timeout), let raw = process.rawStatus {
            try? FileManager.default.removeItem(at: folder)
            return raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        }
        process.killGroup()
        return nil
    }

    /// A response read off the socket.
    public struct Response: Sendable {
        public var status: Int
        public var head: String
        public var body: String
        public func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() { return parts[1].trimmingCharacters(in: .whitespaces) }
            }
            return nil
        }
    }

    /// Sends `request` (raw bytes) and reads until the server closes or
    /// `timeout` passes (then returns what arrived).
    public func raw(_ request: [UInt8], timeout: Double = 20) throws -> Response {
        let fd = try HTTPSocket.dial(port: port)
        defer { close(fd) }
        try HTTPSocket.sendAll(fd, request)
        let bytes = HTTPSocket.readUntil(fd, timeout: timeout, until: { _ in false })
        return Self.parse(bytes)
    }

    /// `METHOD path` with `Connection: close` and any extra header lines.
    public func request(_ method: String, _ path: String, headers: [String] = [], body: [UInt8] = [], timeout: Double = 20) throws -> Response {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for h in headers { text += h + "\r\n" }
        if !body.isEmpty { text += "Content-Length: \(body.count)\r\n" }
        return try raw(Array((text + "\r\n").utf8) + body, timeout: timeout)
    }

    static func parse(_ bytes: [UInt8]) -> Response {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return Response(status: 0, head: text, body: "") }
        let head = String(text[..<split.lowerBound])
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return Response(status: status, head: head, body: String(text[split.upperBound...]))
    }
}

/// Blocking loopback sockets for the serve tests (and the load benchmark's pattern).
public enum HTTPSocket {
    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// A connected TCP socket to 127.0.0.1:`port`.
    public static func dial(port: Int) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw Failure(description: "connect to port \(port): errno \(errno)") }
        return fd
    }

    /// Writes all of `bytes` (a write refused because the server closed early ends the send).
    public static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }

    /// Reads until the peer closes, `until(bytesSoFar)` is true, or `timeout` seconds pass.
    public static func readUntil(_ fd: Int32, timeout: Double, until: ([UInt8]) -> Bool) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            let ready = poll(&p, 1, min(left, 200))
            if ready < 0 { if errno == EINTR { continue }; break }
            if ready == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
            if until(out) { break }
        }
        return out
    }
}
