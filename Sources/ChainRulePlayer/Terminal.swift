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
    case next, back, quit, other
}

/// Key-by-key input on a terminal: canonical mode and echo off (output
/// processing stays on), restored on exit, on error and on Ctrl-C/SIGTERM.
public final class RawTerminal {
    public let input: Int32
    public let output: Int32
    private var active = false

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

    /// Blocks for the next key: Enter, Space, →, n, j next; b, ←, p, k back;
    /// q, Esc-less Ctrl-C/Ctrl-D, end of input quit.
    public func readKey() -> PlayerKey {
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, 16) }
        if n <= 0 { return .quit }
        let bytes = Array(buffer[0..<n])
        switch bytes {
        case [13], [10], [32], [110], [106], [27, 91, 67], [27, 79, 67], [27, 91, 66], [27, 91, 54, 126]: return .next
        case [98], [112], [107], [127], [27, 91, 68], [27, 79, 68], [27, 91, 65], [27, 91, 53, 126]: return .back
        case [113], [81], [3], [4]: return .quit
        default:
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
