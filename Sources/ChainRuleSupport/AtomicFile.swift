#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one atomic writer: a new temporary file in the destination's folder
/// (`O_EXCL`, never someone else's file), every byte written, closed, then
/// `rename(2)` over the destination. A reader (a browser, an image viewer)
/// sees the old file or the new one, never half of one; a failure leaves
/// the destination as it was and removes the temporary file.
package enum AtomicFile {
    /// Why a write failed: the stage and `errno`'s reason.
    package struct Failure: Error, CustomStringConvertible, Sendable {
        package enum Stage: Sendable { case create, write, rename }
        package let stage: Stage
        package let code: Int32
        /// `strerror` of the code: "No space left on device".
        package var reason: String { String(cString: strerror(code)) }
        package var description: String { reason }
    }

    /// Writes `bytes` to `path` atomically. `temporary` is told the temporary
    /// file's path while it exists (and `nil` after), so a signal handler can
    /// remove it if the process is stopped half-way.
    package static func write(_ bytes: [UInt8], to path: String,
                              temporary: ((String?) -> Void)? = nil) throws(Failure) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var temp = "", fd: Int32 = -1
        defer { temporary?(nil) }
        for attempt in 0..<100 {
            temp = (folder.isEmpty ? "" : folder + "/") + ".\(name).tmp-\(getpid())-\(attempt)"
            temporary?(temp)
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure(stage: .create, code: errno) }
        var failure: Int32? = nil
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                offset += n
            }
        }
        if close(fd) != 0, failure == nil { failure = errno }
        if let failure {
            unlink(temp)
            throw Failure(stage: .write, code: failure)
        }
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw Failure(stage: .rename, code: code)
        }
    }

    /// Writes UTF-8 text to `path` atomically.
    package static func write(_ text: String, to path: String) throws(Failure) {
        try write(Array(text.utf8), to: path)
    }
}

#if canImport(Darwin)
private let systemWrite = Darwin.write
#elseif canImport(Musl)
private let systemWrite = Musl.write
#else
private let systemWrite = Glibc.write
#endif
