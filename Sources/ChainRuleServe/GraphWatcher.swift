import ChainRuleRender
import ChainRuleSupport
import Foundation

/// Watches one graph file and keeps its latest good version.
///
/// Every `interval` it looks at the file's modification time, size and
/// inode; when one changed (and every second anyway, for editors that
/// keep all three), it reads the bytes and compares them with the last
/// ones it built. New bytes are compiled and laid out (`LiveGraph`); the
/// page is told through the event hub (channel `graph/N`, event `graph`).
/// A version with an error keeps the last good figure and sends the
/// located diagnostic with it. The watcher never writes the file.
package actor GraphWatcher {
    /// The file as named on the command line (shown on the page).
    package let displayName: String
    /// The file's path.
    package let path: String
    /// The event channel of this graph's pages.
    package let channel: String
    let hub: EventHub
    let theme: FigureTheme
    /// How often the file is looked at.
    package static let interval: Duration = .milliseconds(200)
    /// Files larger than this are not read (a graph script is a few KiB).
    package static let maxFileBytes = 4 << 20

    /// The last good version and its number.
    package private(set) var graph: LiveGraph?
    package private(set) var version = 0
    /// The error of the latest attempt, if it failed.
    package private(set) var error: String?
    private var lastBytes: [UInt8]?
    private var lastStat: (Int, Int, Int)?
    private var ticks = 0
    private var frames: [Int: String] = [:]
    private var task: Task<Void, Never>?

    package init(path: String, displayName: String, channel: String, hub: EventHub, theme: FigureTheme = .light) {
        self.path = path
        self.displayName = displayName
        self.channel = channel
        self.hub = hub
        self.theme = theme
    }

    /// Builds the file once now, then keeps watching it until `stop`.
    package func start() async {
        await check(force: true)
        task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: GraphWatcher.interval)
                guard let self else { return }
                await self.check(force: false)
            }
        }
    }

    package func stop() {
        task?.cancel()
        task = nil
    }

    /// Looks at the file; rebuilds and tells the pages when its bytes changed.
    package func check(force: Bool) async {
        ticks += 1
        let stat = Self.stat(path)
        if !force, let stat, let last = lastStat, stat == last, ticks % 5 != 0 { return }
        lastStat = stat
        let bytes: [UInt8]
        if let stat, stat.1 > Self.maxFileBytes {
            return await fail("\(displayName): the file is larger than \(Self.maxFileBytes >> 20) MiB; a graph script is a few KiB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return await fail("\(displayName): cannot read the file (it was moved or removed?); the last good figure stays")
        }
        bytes = [UInt8](data)
        if !force, bytes == lastBytes { return }
        lastBytes = bytes
        do throws(LiveGraph.Failure) {
            graph = try LiveGraph(source: bytes, fileName: displayName, theme: theme)
            version += 1
            frames = [:]
            error = nil
        } catch {
            self.error = error.message
        }
        await publish()
    }

    private func fail(_ message: String) async {
        guard error != message else { return }
        error = message
        lastBytes = nil
        await publish()
    }

    /// The page's event: `{"version":…,"error":…,"graph":{…}}`.
    package func eventData() -> String {
        "{\"version\":\(version),\"error\":\(error.map { Escape.json($0) } ?? "null"),\"graph\":\(graph?.json ?? "null")}"
    }

    private func publish() async {
        await hub.publish(channel, kind: "graph", data: eventData())
    }

    /// Step `step`'s figure of version `version` (0: the finished pass),
    /// or `nil` when that version is no longer the latest or the step does not exist.
    package func frame(version: Int, step: Int) throws -> String? {
        guard version == self.version, let graph else { return nil }
        if let cached = frames[step] { return cached }
        guard let svg = try graph.svg(step: step) else { return nil }
        if frames.count >= 64 { frames = [:] }
        frames[step] = svg
        return svg
    }

    /// (modification time in ns, size, inode), or `nil` when missing.
    static func stat(_ path: String) -> (Int, Int, Int)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let date = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? 0
        return (Int(date * 1e9), size, inode)
    }
}
