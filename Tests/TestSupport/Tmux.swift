import Foundation

/// A private tmux server (its own socket) with one session, for tests that
/// drive the interactive player on a real terminal. Parallel tests never
/// meet; `kill()` ends the server and everything in it.
public final class Tmux {
    /// tmux from the system folders, if installed.
    public static let path: String? = Repository.which("tmux")

    public let tmux: String
    public let socket: String
    public let session: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(session: String = "test") throws {
        guard let tmux = Tmux.path else { throw Failure(description: "tmux is not installed") }
        self.tmux = tmux
        self.session = session
        socket = "chainrule-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    /// Runs `tmux -L socket args…` and returns its standard output.
    @discardableResult
    public func callAsFunction(_ args: String...) throws -> String { try run(args).stdout }

    public func run(_ args: [String]) throws -> ProcessRunner.Result {
        try ProcessRunner.run(tmux, ["-L", socket] + args, timeout: 60)
    }

    /// Starts `command` (a shell command line) in a detached `width`×`height`
    /// session. The pane gets the clean environment plus `environment`.
    public func start(_ command: String, width: Int = 120, height: Int = 50, environment: [String: String] = [:]) throws {
        var args = ["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)"]
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(k)=\(v)"] }
        let r = try run(args + [command])
        guard r.exited && r.status == 0 else { throw Failure(description: "tmux new-session failed: \(r)") }
    }

    /// The pane's text (`colors`: with escape sequences).
    public func screen(colors: Bool = false) throws -> String {
        try run(["capture-pane", "-p"] + (colors ? ["-e"] : []) + ["-t", session]).stdout
    }

    public func keys(_ keys: String...) throws { _ = try run(["send-keys", "-t", session] + keys) }

    /// Polls the screen until `predicate` holds or `seconds` pass; returns the last screen.
    public func waitFor(_ seconds: Double = 30, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return last }
            usleep(100_000)
        }
        return last
    }

    public func kill() { _ = try? run(["kill-server"]) }
}

/// Polls `condition` (every 50 ms) until it holds or `limit` seconds pass:
/// a guard against hangs, not a timing requirement.
@discardableResult
public func waitUntil(_ limit: Double = 120, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(limit)
    while Date() < deadline {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}
