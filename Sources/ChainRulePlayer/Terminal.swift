#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal attributes to put back, for the signal handler (which can
/// capture nothing). Set only while raw mode is on.
nonisolated(unsafe) private var savedAttributes: termios?
nonisolated(unsafe) private var savedFileDescriptor: Int32 = 0

private func restoreSaved() {
    if var attrs = savedAttributes {
        _ = tcsetattr(savedFileDescriptor, TCSAFLUSH, &attrs)
    }
}

/// A key the player understands.
public enum PlayerKey: Sendable, Equatable {
    /// Enter, Space or →: the next step. b or ←: the previous one. q: quit.
    /// Anything else: ignored.
    case next, back, quit, other
    /// Scrolling a step longer than the screen: a page (PgDn/PgUp, j/k) or a line (↓/↑).
    case pageDown, pageUp, lineDown, lineUp
    /// Home/End: the first and the last step.
    case first, last
    /// `g` N Enter: go to step N; `?` the keys; `e` explain the operation.
    case goTo, help, explain
    /// A digit (while typing a step number), Backspace, Escape.
    case digit(Int), erase, escape
    /// The terminal changed size (SIGWINCH).
    case resize
}

/// Set by the SIGWINCH handler; read and cleared by `readKey`.
nonisolated(unsafe) private var windowResized: sig_atomic_t = 0

/// Key-by-key input on a terminal: canonical mode and echo off (output
/// processing stays on), restored on exit, on error and on Ctrl-C/SIGTERM.
public final class RawTerminal {
    /// The file descriptor keys are read from.
    public let input: Int32
    /// The file descriptor the screen is written to.
    public let output: Int32
    private var active = false

    /// The terminal on `input` and `output` (standard input and output by default).
    public init(input: Int32 = 0, output: Int32 = 1) {
        self.input = input
        self.output = output
    }

    /// `true` when the file descriptor is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Columns and rows of the output terminal, if known.
    public var size: (columns: Int, rows: Int)? {
        var ws = winsize()
        guard ioctl(output, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return nil }
        return (Int(ws.ws_col), Int(ws.ws_row))
    }

    /// Switches to key-by-key input without echo, and installs handlers that
    /// restore the terminal if the process is interrupted.
    public func enableRawMode() -> Bool {
        var attrs = termios()
        guard tcgetattr(input, &attrs) == 0 else { return false }
        savedAttributes = attrs
        savedFileDescriptor = input
        var raw = attrs
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutablePointer(to: &raw.c_cc) { ptr in
            ptr.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
        }
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else { savedAttributes = nil; return false }
        active = true
        let handler: @convention(c) (Int32) -> Void = { sig in
            restoreSaved()
            // Show the cursor again and end the line, then die of the signal's usual exit code.
            let text: [UInt8] = Array("\u{1B}[?25h\n".utf8)
            _ = text.withUnsafeBufferPointer { Glibc.write(1, $0.baseAddress, $0.count) }
            _exit(128 + sig)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        signal(SIGHUP, handler)
        // A parent may have started us with these blocked (children spawned
        // from a libdispatch thread inherit its full signal mask): then
        // Ctrl-C would do nothing at all. Take delivery of them.
        var handled = sigset_t()
        sigemptyset(&handled)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&handled, sig) }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        return true
    }

    /// Puts the terminal back as it was. Safe to call more than once.
    public func restore() {
        guard active else { return }
        restoreSaved()
        savedAttributes = nil
        active = false
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        signal(SIGHUP, SIG_DFL)
    }

    deinit { restore() }

    /// Redraw requests on resize: installs a SIGWINCH handler (without
    /// SA_RESTART, so a waiting `readKey` returns `.resize`).
    public func watchResize() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in windowResized = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGWINCH, &action, nil)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGWINCH)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Blocks for the next key. Enter, Space, →, n next; b, ←, p, Backspace
    /// back; PgDn/j and PgUp/k a page, ↓/↑ a line; Home/End the first/last
    /// step; g go to; ? keys; e explain; digits; Esc; q, Ctrl-C/Ctrl-D and end
    /// of input quit. Returns `.resize` when the terminal changed size.
    public func readKey() -> PlayerKey {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            if windowResized != 0 { windowResized = 0; return .resize }
            // Keys typed faster than they are handled arrive in one read: one at a time.
            if let bytes = RawTerminal.nextKeyBytes(&pending) { return RawTerminal.key(bytes) }
            var fds = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, 250)
            if ready < 0 { if errno == EINTR { continue }; return .quit }
            if ready == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, 64) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return .quit }
            pending += buffer[0..<n]
        }
    }

    /// Bytes read but not yet handed out as keys.
    private var pending: [UInt8] = []

    /// Takes the bytes of the first key from `pending`: an escape sequence
    /// (`ESC [ … final`, `ESC O x`), a lone ESC, or one UTF-8 character.
    static func nextKeyBytes(_ pending: inout [UInt8]) -> [UInt8]? {
        guard let first = pending.first else { return nil }
        var length = 1
        if first == 27, pending.count > 1 {
            if pending[1] == 91 {          // ESC [ params… final (0x40–0x7E)
                length = 2
                while length < pending.count, !(0x40...0x7E).contains(pending[length]) { length += 1 }
                length = min(length + 1, pending.count)
            } else if pending[1] == 79 {   // ESC O x
                length = min(3, pending.count)
            }
        } else if first >= 0xC0 {
            length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
            length = min(length, pending.count)
        } else if first == 13, pending.count > 1, pending[1] == 10 {
            length = 2                     // CR LF: one Enter
        }
        let bytes = Array(pending.prefix(length))
        pending.removeFirst(length)
        return bytes
    }

    /// The key of the bytes one keypress sends.
    static func key(_ bytes: [UInt8]) -> PlayerKey {
        switch bytes {
        case [13], [10], [32], [110], [27, 91, 67], [27, 79, 67]: return .next
        case [98], [112], [27, 91, 68], [27, 79, 68]: return .back
        case [106], [27, 91, 54, 126]: return .pageDown
        case [107], [27, 91, 53, 126]: return .pageUp
        case [27, 91, 66], [27, 79, 66]: return .lineDown
        case [27, 91, 65], [27, 79, 65]: return .lineUp
        case [27, 91, 72], [27, 79, 72], [27, 91, 49, 126], [27, 91, 55, 126]: return .first
        case [27, 91, 70], [27, 79, 70], [27, 91, 52, 126], [27, 91, 56, 126]: return .last
        case [103], [71]: return .goTo
        case [63]: return .help
        case [101]: return .explain
        case [127], [8]: return .erase
        case [27]: return .escape
        case [113], [81], [3], [4]: return .quit
        default:
            if bytes.count == 1, bytes[0] >= 48, bytes[0] <= 57 { return .digit(Int(bytes[0]) - 48) }
            if bytes.first == 13 || bytes.first == 10 { return .next }
            return .other
        }
    }

    /// Writes text to the output and flushes it.
    public func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(output, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
