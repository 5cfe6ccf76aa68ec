import ArgumentParser
import ChainRuleLessons
import ChainRuleRender
import ChainRuleServe
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `chainrule serve [FILE.graph | LESSON …] [--port N] [--host ADDR] [--present]`:
/// a live view of graph files and the lessons' slideshows, for a classroom.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a live view of graph files and the lessons' slideshows over HTTP.",
        usage: """
        chainrule serve [<FILE.graph | ID | PATH> ...] [--port <n>] [--host <addr>]
                        [--present] [--max-followers <n>] [--theme <theme>]
        """,
        discussion: """
        With one graph file, http://127.0.0.1:8000/ is its live view: save the file in
        any editor and the page shows the new figure within a second (a syntax error
        shows the located message, and the last good figure stays). Click a node for
        its value, gradient and chain-rule terms; ←/→ step through the passes.

        Lessons (ids, numbers or paths; all of them when nothing is named) are served
        as the same slideshows `chainrule export` writes, made on first view.

        --present prints a presenter URL (with a secret token) and a follow URL: every
        page opened at the follow URL shows the step the presenter shows. Followers
        can step away and come back ("Back to presenter"); only the presenter drives.

        The server binds 127.0.0.1 (this machine only). --host 0.0.0.0 serves the
        room and prints the address to share. It only reads: it serves the files
        named here, their lessons and its own pages, nothing else. Ctrl-C stops it.

        Examples:
          chainrule serve Examples/apples.graph
          chainrule serve --present --host 0.0.0.0
          chainrule serve apples fan-out --port 8080
        """
    )

    @Argument(help: ArgumentHelp("Graph files (.graph) to watch, and lessons: an id (apples), a number (1) or a lesson file.",
                                 valueName: "FILE.graph | ID | PATH"))
    var items: [String] = []

    @Option(help: ArgumentHelp("The port (0: any free port, printed at start-up).", valueName: "n"))
    var port: Int = 8000

    @Option(help: ArgumentHelp("The address to listen on: 127.0.0.1 (this machine), 0.0.0.0 (the room), ::1 or ::.", valueName: "addr"))
    var host: String = "127.0.0.1"

    @Flag(help: "Follow mode: print a presenter URL (with a secret token) whose step every follower's page shows.")
    var present = false

    @Option(name: .customLong("max-followers"),
            help: ArgumentHelp("The most live pages open at once (followers and live views); more get 503 with a message.", valueName: "n"))
    var maxFollowers: Int = ServeLimits.defaultFollowers

    @Option(help: ArgumentHelp("Figure theme: light, dark, print or colorblind.", valueName: "theme"))
    var theme: String = "light"

    @OptionGroup var source: LessonSourceOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535 (0: any free port)") }
        guard (1...10_000).contains(maxFollowers) else { throw ValidationError("--max-followers must be 1…10000") }
        guard FigureTheme.named(theme) != nil else { throw ValidationError("unknown theme '\(theme)'; choose light, dark, print or colorblind") }
    }

    func run() throws {
        let figureTheme = FigureTheme.named(theme)!
        let (graphFiles, lessonNames) = split(items)
        for path in graphFiles {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  FileManager.default.isReadableFile(atPath: path) else {
                throw exit("cannot read '\(path)': \(isDirectory.boolValue ? "it is a directory" : "no such file, or no permission to read it")")
            }
        }
        var served: [ServedLesson] = []
        if !lessonNames.isEmpty || graphFiles.isEmpty {
            served = try lessons(lessonNames)
        }
        ServeLimits.raiseDescriptorLimit(for: maxFollowers)
        let hub = EventHub(limit: maxFollowers)
        let watchers = graphFiles.enumerated().map { i, path in
            GraphWatcher(path: path, displayName: path, channel: "graph/\(i + 1)", hub: hub, theme: figureTheme)
        }
        let token = present ? ServeSecurity.newToken() : nil
        let routes = ServeRoutes(graphs: watchers, lessons: ServeLessons(lessons: served, theme: figureTheme), hub: hub, token: token, theme: figureTheme)
        let server: ServeServer
        do {
            server = try ServeServer(routes: routes, host: host, port: UInt16(port))
        } catch {
            StandardStreams.error("error: \(error.message)\n")
            throw ExitCode.failure
        }
        let host = self.host
        let lessonCount = served.count
        let result = ServeRun()
        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stopping = ServeStop(server: server)
        let sources = [SIGINT, SIGTERM].map { sig in
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { stopping.stop() }
            s.resume()
            return s
        }
        Task {
            for watcher in watchers { await watcher.start() }
            do {
                try await server.run { bound in
                    StandardStreams.output(Array(Serve.banner(host: host, port: bound, graphs: graphFiles, lessons: lessonCount, token: token).utf8))
                }
                result.finish(nil)
            } catch {
                result.finish("cannot listen on \(host):\(self.port): \(error.localizedDescription)")
            }
        }
        // The signal sources must live until the server stops: an optimized
        // build releases a value after its last use, and a released source
        // stops listening (Ctrl-C, ignored above, then did nothing).
        let failure = withExtendedLifetime(sources) { result.wait() }
        if let failure {
            StandardStreams.error("error: \(failure)\n")
            throw ExitCode.failure
        }
        StandardStreams.output(Array("chainrule serve: stopped\n".utf8))
    }

    /// Graph files (`.graph`, or any existing file that is not a lesson `.md`) and lesson names.
    func split(_ items: [String]) -> (graphs: [String], lessons: [String]) {
        var graphs: [String] = [], lessons: [String] = []
        for item in items {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: item, isDirectory: &isDirectory)
            if item.hasSuffix(".graph") || (exists && !isDirectory.boolValue && !item.hasSuffix(".md")) {
                graphs.append(item)
            } else {
                lessons.append(item)
            }
        }
        return (graphs, lessons)
    }

    /// The lessons named (all of the library's when none is).
    func lessons(_ names: [String]) throws -> [ServedLesson] {
        var out: [ServedLesson] = []
        let needsLibrary = names.isEmpty || names.contains { !FileManager.default.fileExists(atPath: $0) }
        let library = needsLibrary ? try source.library() : nil
        func fromLibrary(_ entry: LessonLibrary.Entry) -> ServedLesson? {
            guard let library else { return nil }
            switch library.source {
            case .directory:
                // A lesson file that is a link out of the lessons' folder is not served.
                guard ServeSecurity.isInside(entry.path, root: library.directory) else { return nil }
                return ServedLesson.file(path: entry.path, root: library.directory, id: entry.id)
            case .builtIn:
                return ServedLesson(id: entry.id, number: entry.number, title: entry.title) { try library.load(entry) }
            }
        }
        if names.isEmpty, let library {
            out = library.entries().compactMap(fromLibrary)
            if out.isEmpty { throw exit("no lessons (NN-slug.md files) found in \(library.directory)") }
        }
        for name in names {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), !isDirectory.boolValue {
                let directory = (name as NSString).deletingLastPathComponent
                out.append(ServedLesson.file(path: name, root: directory.isEmpty ? "." : directory))
            } else if let entry = library?.entry(named: name), let lesson = fromLibrary(entry) {
                out.append(lesson)
            } else {
                throw exit("no lesson or graph file '\(name)' (see `chainrule lessons`; a path to a .graph or lesson .md file works too)")
            }
        }
        var seen: Set<String> = []
        for lesson in out where !seen.insert(lesson.id).inserted {
            throw exit("two lessons have the id '\(lesson.id)'; serve them separately")
        }
        return out
    }

    func exit(_ message: String) -> ExitCode {
        StandardStreams.error("error: \(message)\n")
        return .failure
    }

    /// What start-up prints: where to look, and with --present the two URLs.
    static func banner(host: String, port: UInt16, graphs: [String], lessons: Int, token: String?) -> String {
        let local = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        let base = "http://\(local.contains(":") ? "[\(local)]" : local):\(port)"
        var lines = ["chainrule serve: \(base)/"]
        if graphs.count == 1 && lessons == 0 {
            lines.append("  live view of \(graphs[0]): save the file and the page follows within a second")
        } else {
            var what: [String] = []
            if !graphs.isEmpty { what.append("\(graphs.count) graph file\(graphs.count == 1 ? "" : "s")") }
            if lessons > 0 { what.append("\(lessons) lesson\(lessons == 1 ? "" : "s")") }
            lines.append("  serving \(what.joined(separator: " and "))")
        }
        let room = host == "0.0.0.0" || host == "::" ? ServeLimits.roomAddresses().first : nil
        if let room {
            lines.append("share with the room: http://\(room):\(port)/")
        } else if host == "0.0.0.0" || host == "::" {
            lines.append("share with the room: http://<this machine's address>:\(port)/ (no network address found)")
        }
        if let token {
            lines.append("presenter: \(base)/present/\(token)/")
            lines.append("follow: \(room.map { "http://\($0):\(port)" } ?? base)/")
        }
        lines.append("Ctrl-C stops the server.")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Waits for the server task on the command's thread.
final class ServeRun: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var failure: String?

    func finish(_ failure: String?) {
        lock.lock()
        self.failure = failure
        lock.unlock()
        done.signal()
    }

    func wait() -> String? {
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return failure
    }
}

/// Ctrl-C (and SIGTERM): ends every event stream and closes the server, once.
final class ServeStop: @unchecked Sendable {
    let server: ServeServer
    private let lock = NSLock()
    private var stopping = false
    init(server: ServeServer) { self.server = server }

    func stop() {
        lock.lock()
        let first = !stopping
        stopping = true
        lock.unlock()
        guard first else { return }
        let server = self.server
        Task { await server.stop() }
    }
}
