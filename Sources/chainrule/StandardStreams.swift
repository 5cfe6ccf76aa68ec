#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes to standard output and standard error without trapping.
///
/// `FileHandle.write(_:)` traps (`try!` inside Foundation) when the write
/// fails, e.g. `chainrule draw g.graph > /dev/full` or a full disk behind a
/// redirection. These write with `write(2)`, retry on EINTR and short writes,
/// and on failure report one line on standard error and exit 1.
enum StandardStreams {
    /// Writes all of `bytes` to `fd`; the `errno` of the failure, if any.
    static func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Darwin)
            let n = Darwin.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            #elseif canImport(Musl)
            let n = Musl.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            #else
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            offset += n
        }
        return nil
    }

    /// Standard output; exits with status 1 and a one-line reason if it cannot be written.
    static func output(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { output($0) }
    }

    /// Standard output; exits with status 1 and a one-line reason if it cannot be written.
    static func output(_ bytes: UnsafeRawBufferPointer) {
        if let failure = write(bytes, to: 1) {
            error("error: cannot write to standard output: \(String(cString: strerror(failure)))\n")
            exit(1)
        }
    }

    static func output(_ text: String) { output(Array(text.utf8)) }

    /// Ends a successful command now, without freeing what it built: every
    /// output has been written with `write(2)`, and for a 10,000-statement
    /// script the deinitialisers of the graph and its passes are ~15 % of the
    /// process's instructions (callgrind).
    static func finish() -> Never { exit(0) }

    /// Standard error, best effort (there is nowhere left to report a failure).
    static func error(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { write($0, to: 2) }
    }
}
