import Foundation

/// The server-sent events of one open page: bytes in the
/// `text/event-stream` format, ended when the page goes away.
package struct EventStream: Sendable {
    package let stream: AsyncStream<[UInt8]>
}

/// Every open page's event stream, by channel (`graph/1`, `follow/lesson/apples`).
///
/// A new subscriber first gets the channel's latest event of each kind
/// (the current figure, the presenter's step), then every new one. The
/// number of open streams is bounded (`limit`): beyond it a page gets 503
/// with a message saying why, so a full room degrades clearly instead of
/// the server running out of descriptors or memory. Each stream buffers
/// at most a few events: a page that stops reading loses old ones (the
/// latest figure and step are what matter), never the server's memory.
package actor EventHub {
    /// The most event streams open at once (`--max-followers`).
    package let limit: Int
    /// How often every stream gets a keep-alive comment.
    package static let keepAlive: Duration = .seconds(3)
    /// Events kept per stream for a slow reader.
    static let bufferedEvents = 8

    private var subscribers: [String: [UInt64: AsyncStream<[UInt8]>.Continuation]] = [:]
    private var latest: [String: [(kind: String, bytes: [UInt8])]] = [:]
    private var nextID: UInt64 = 0
    package private(set) var count = 0
    private var heartbeat: Task<Void, Never>?

    package init(limit: Int) { self.limit = limit }

    /// A stream for `channel`, or `nil` when `limit` streams are open.
    package func subscribe(_ channel: String) -> EventStream? {
        guard count < limit else { return nil }
        count += 1
        nextID += 1
        let id = nextID
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(Self.bufferedEvents))
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            Task { await self.remove(channel, id) }
        }
        // Tell the browser to retry after 1 s if the connection drops.
        continuation.yield(Array("retry: 1000\n\n".utf8))
        for event in latest[channel] ?? [] { continuation.yield(event.bytes) }
        subscribers[channel, default: [:]][id] = continuation
        if heartbeat == nil { startHeartbeat() }
        return EventStream(stream: stream)
    }

    private func remove(_ channel: String, _ id: UInt64) {
        if subscribers[channel]?.removeValue(forKey: id) != nil { count -= 1 }
    }

    /// Sends `data` as an event of type `kind` to every page on `channel`,
    /// and keeps it as the channel's latest of that kind.
    package func publish(_ channel: String, kind: String, data: String) {
        let bytes = Self.encode(kind: kind, data: data)
        var kept = latest[channel] ?? []
        kept.removeAll { $0.kind == kind }
        kept.append((kind, bytes))
        latest[channel] = kept
        for continuation in (subscribers[channel] ?? [:]).values { continuation.yield(bytes) }
    }

    /// How many pages are on `channel`.
    package func subscriberCount(_ channel: String) -> Int { subscribers[channel]?.count ?? 0 }

    /// Ends every stream (shutdown).
    package func finishAll() {
        heartbeat?.cancel()
        heartbeat = nil
        for channel in subscribers.values { for c in channel.values { c.finish() } }
        subscribers = [:]
        count = 0
    }

    /// A comment line every few seconds: proxies keep the connection open,
    /// and a page that went away is noticed (its write fails) and its slot freed.
    private func startHeartbeat() {
        heartbeat = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.keepAlive)
                guard let self else { return }
                await self.ping()
            }
        }
    }

    private func ping() {
        let bytes = Array(": keep-alive\n\n".utf8)
        for channel in subscribers.values { for c in channel.values { c.yield(bytes) } }
    }

    /// `event: KIND` and one `data:` line per line of `data`.
    static func encode(kind: String, data: String) -> [UInt8] {
        var text = "event: \(kind)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: " + line.replacingOccurrences(of: "\r", with: "") + "\n"
        }
        return Array((text + "\n").utf8)
    }
}
