import Foundation

/// The interactive player (`chainrule lesson …`) on a real terminal: a
/// private tmux server (`Tmux`) whose shell enters a new temporary folder
/// (the player writes `Output/<id>/current.svg` there, never into the
/// checkout) with the package's lessons at hand, runs the player, then
/// prints `EXIT=<status>` and, with `recordsTerminalModes`, saves `stty -a`
/// so a test can check the terminal was restored. `close()` ends tmux and
/// removes the folder.
public final class PlayerSession {
    /// The tmux server the player runs in.
    public let tmux: Tmux
    /// The temporary folder the player runs in.
    public let folder: URL
    /// Where `stty -a` is written after the player exits.
    public var terminalModesFile: URL { folder.appendingPathComponent("stty.txt") }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `chainrule ARGUMENTS` (`["lesson", "apples"]`) in a
    /// `width`×`height` terminal; `environment` is added to the pane's
    /// clean environment. `prepare` may put files (a lesson) into the folder first.
    public init(_ arguments: [String], session: String = "lesson", width: Int = 120, height: Int = 50,
                environment: [String: String] = [:], recordsTerminalModes: Bool = false,
                prepare: (URL) throws -> Void = { _ in }) throws {
        guard let bin = Repository.chainrule else { throw Failure(description: "build the chainrule executable first") }
        folder = try Repository.temporaryDirectory("play")
        do {
            try prepare(folder)
            tmux = try Tmux(session: session)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        let q = Repository.shellQuote
        var command = "cd \(q(folder.path)) && export CHAINRULE_LESSONS=\(q(Repository.lessons.path)) && "
            + ([bin] + arguments).map(q).joined(separator: " ") + "; echo EXIT=$?; "
        if recordsTerminalModes {
            // Written to a side file and renamed, so a reader never sees the file half written.
            let partial = q(terminalModesFile.path + ".partial")
            command += "stty -a > \(partial) && mv \(partial) \(q(terminalModesFile.path)); "
        }
        command += "sleep 120"
        do {
            try tmux.start(command, width: width, height: height, environment: environment)
        } catch {
            close()
            throw error
        }
    }

    /// The terminal's settings after the player exited (`stty -a`), waiting up to 5 s for them.
    public func terminalModes() throws -> String {
        waitUntil(5) { FileManager.default.fileExists(atPath: self.terminalModesFile.path) }
        return try String(contentsOf: terminalModesFile, encoding: .utf8)
    }

    /// Ends tmux and everything in it, and removes the folder.
    public func close() {
        tmux.kill()
        try? FileManager.default.removeItem(at: folder)
    }
}
