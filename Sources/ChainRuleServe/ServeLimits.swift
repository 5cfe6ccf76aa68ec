import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's bounds on open pages, and the machine facts it needs to
/// honour them and to tell the room where to connect.
package enum ServeLimits {
    /// Live pages (followers and live views, one connection each) open at
    /// once by default: a lecture hall, with room to spare. Beyond it a
    /// page gets 503 and says why (`--max-followers` changes it).
    package static let defaultFollowers = 400

    /// Connections allowed beyond the live pages (page loads, figures, a
    /// presenter's steps); more at once get 503 and are closed.
    package static let spareConnections = 128

    /// Raises the soft limit on open files, so `followers` connections
    /// (plus the server's own files) fit: each open page holds one socket.
    package static func raiseDescriptorLimit(for followers: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = rlim_t(followers + 256)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = min(wanted, limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }

    /// This machine's IPv4 addresses other than loopback (what `--host
    /// 0.0.0.0` prints for the room), in interface order.
    package static func roomAddresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var out: [String] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.hasPrefix("127.") && !out.contains(text) { out.append(text) }
        }
        return out
    }
}
