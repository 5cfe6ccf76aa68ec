#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs a program the way every test should: a clean environment, standard
/// input from a file (or `/dev/null`), standard output and error into files
/// (so a large output cannot deadlock and a daemon that keeps a descriptor
/// cannot hang the wait), no signal blocked or ignored in the child, its own
/// process group, and a time limit after which the whole group is killed.
///
/// `posix_spawn` + `waitpid` rather than Foundation's `Process`, whose wait
/// can hang when the program leaves a daemon behind (tmux does), and whose
/// children inherit the blocked signal mask of the test runner's threads.
public enum ProcessRunner {
    /// How a run ended.
    public struct Result: CustomStringConvertible, Sendable {
        /// The exit status, or the signal number when a signal ended it.
        public var status: Int32
        /// The signal that ended the process, if one did.
        public var signal: Int32?
        public var stdout: String
        public var stderr: String
        /// Ended normally (an exit status), not by a trap or a signal.
        public var exited: Bool { signal == nil }

        public var description: String {
            "status \(status)\(signal.map { " (signal \($0))" } ?? "")\nstdout: \(stdout)\nstderr: \(stderr)"
        }
    }

    /// The run took longer than its limit; it was killed.
    public struct Timeout: Error, CustomStringConvertible {
        public var command: [String]
        public var seconds: Double
        public var stdout: String
        public var stderr: String
        public var description: String {
            "timed out after \(seconds) s: \(command.joined(separator: " "))\nstdout: \(stdout.suffix(2000))\nstderr: \(stderr.suffix(2000))"
        }
    }

    /// The process could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public var command: [String]
        public var code: Int32
        public var description: String { "cannot run \(command.first ?? ""): \(String(cString: strerror(code)))" }
    }

    /// The limit for one run unless a test gives its own: a guard against
    /// hangs on a loaded machine, not a performance requirement.
    public static let defaultTimeout: Double = 600

    /// Every child starts from this environment plus the variables a test
    /// passes: a fixed `PATH`, a UTF-8 locale, `HOME` and `TMPDIR`. Nothing
    /// else leaks in from the runner's environment (`NO_COLOR`, `COLUMNS`,
    /// `CHAINRULE_*`, `TERM`…).
    public static let cleanEnvironment: [String: String] = {
        let inherited = ProcessInfo.processInfo.environment
        var env = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"]
        env["HOME"] = inherited["HOME"] ?? NSTemporaryDirectory()
        if let tmp = inherited["TMPDIR"] { env["TMPDIR"] = tmp }
        return env
    }()

    /// Runs `executable arguments` in `directory` with `cleanEnvironment` +
    /// `environment`, optional standard input, and `timeout` seconds. While
    /// it runs, `whileRunning` may act on it (send a signal once something
    /// happened). Throws `Timeout` if it has to kill it.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           stdin: String? = nil, directory: URL? = nil, timeout: Double = defaultTimeout,
                           whileRunning: ((RunningProcess) throws -> Void)? = nil) throws -> Result {
        let temp = try Repository.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: temp) }
        let outPath = temp.appendingPathComponent("out").path
        let errPath = temp.appendingPathComponent("err").path
        var inPath = "/dev/null"
        if let stdin {
            inPath = temp.appendingPathComponent("in").path
            try Data(stdin.utf8).write(to: URL(fileURLWithPath: inPath))
        }
        let command = [executable] + arguments
        let process = try RunningProcess(command: command, environment: cleanEnvironment.merging(environment) { $1 },
                                         directory: directory?.path, stdin: inPath, stdout: outPath, stderr: errPath)
        var thrown: Error?
        if let whileRunning {
            do { try whileRunning(process) } catch { thrown = error }
        }
        let finished = process.wait(timeout: timeout)
        if !finished { process.killGroup() }
        let out = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let err = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        if let thrown { throw thrown }
        guard finished, let raw = process.rawStatus else {
            throw Timeout(command: command, seconds: timeout, stdout: out, stderr: err)
        }
        let signal = raw & 0x7f
        if signal == 0 { return Result(status: (raw >> 8) & 0xff, signal: nil, stdout: out, stderr: err) }
        return Result(status: signal, signal: signal, stdout: out, stderr: err)
    }
}

/// A started child process (see `ProcessRunner.run`).
public final class RunningProcess: @unchecked Sendable {
    public let processIdentifier: pid_t
    private let lock = NSLock()
    private var status: Int32?

    init(command: [String], environment: [String: String], directory: String?,
         stdin: String, stdout: String, stderr: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Nothing else of the test runner's: a daemon the child leaves
        // behind (tmux's server) must not hold another test's pipe open.
        if let closeFrom = Self.closeFrom { _ = closeFrom(&actions, 3) }
        if let directory {
            guard let chdir = Self.chdir else { throw ProcessRunner.SpawnError(command: command, code: ENOSYS) }
            _ = chdir(&actions, directory)
        }
        // Clean signal state: the test runner's threads block nearly every
        // signal, and a child inherits that mask (Ctrl-C in a tmux pane
        // would do nothing); ignored signals stay ignored across exec.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        // Its own process group, so a timeout can end everything it started.
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, command[0], &actions, &attr, argv, envp)
        guard code == 0 else { throw ProcessRunner.SpawnError(command: command, code: code) }
        processIdentifier = pid
    }

    // glibc ≥ 2.34 (closefrom) and ≥ 2.29 (chdir); Swift's Glibc module does
    // not declare these GNU extensions, so they are looked up at run time.
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    static let closeFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }
    static let chdir: ChangeDirectory? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: ChangeDirectory.self) }

    /// The raw wait status once it ended.
    var rawStatus: Int32? { lock.withLock { status } }

    /// Still running (reaps it if it just ended).
    public var isRunning: Bool { poll(); return rawStatus == nil }

    private func poll() {
        lock.withLock {
            guard status == nil else { return }
            var s: Int32 = 0
            if waitpid(processIdentifier, &s, WNOHANG) == processIdentifier { status = s }
        }
    }

    /// Waits until it ends or `timeout` seconds pass; `true` if it ended.
    func wait(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var pause: UInt32 = 1_000
        while Date() < deadline {
            if !isRunning { return true }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
        return !isRunning
    }

    /// SIGKILL to its process group, then reaps it.
    func killGroup() {
        kill(-processIdentifier, SIGKILL)
        kill(processIdentifier, SIGKILL)
        lock.withLock {
            guard status == nil else { return }
            var s: Int32 = 0
            while waitpid(processIdentifier, &s, 0) < 0 && errno == EINTR {}
            status = s
        }
    }
}
