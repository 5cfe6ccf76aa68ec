#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a regular file straight into a byte array with `open`/`fstat`/`read`.
///
/// `FileManager.contents(atPath:)` reads into a `Data` that `ScriptInput.read`
/// then copied into a `[UInt8]`: two buffers the size of the script, each
/// page of them faulted in (~100 page faults for a 200 KB script). This
/// fills the array once. It answers only the plain case — a regular file
/// that opens and reads without error — and `nil` for anything else
/// (missing, a folder, a FIFO, no permission, an I/O error), which the
/// caller then reads the old way, so its messages are unchanged.
enum RegularFile {
    /// The bytes of `path`, or `nil` if it is not a readable regular file.
    static func bytes(_ path: String) -> [UInt8]? {
        // O_NONBLOCK as Foundation opens: a FIFO does not wait for a writer (and is then refused).
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size >= 0 else { return nil }
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let n = read(fd, buffer.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                count += n
            }
            failed = count < size
        }
        // The end of the file where `fstat` put it (else it changed meanwhile: the old way reads it).
        var probe: UInt8 = 0
        guard !failed, read(fd, &probe, 1) == 0 else { return nil }
        return bytes
    }
}
