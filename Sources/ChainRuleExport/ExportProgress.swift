#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A one-line progress bar on stderr, only when stderr is a terminal:
///
///     ▕██████████▍         ▏  52/118 frames  softmax-loss
///
/// Redrawn at most once per percent; cleared at the end. When stderr is not
/// a terminal (CI logs, pipes) it prints nothing at all.
/// Safe to advance from several threads (lessons exported at once).
package final class ExportProgress: @unchecked Sendable {
    package let total: Int
    package private(set) var done = 0
    private let enabled: Bool
    private let width: Int
    private var lastDrawn = -1
    private var label = ""
    private let lock = NSLock()

    /// `enabled: nil` decides by `isatty(2)`.
    package init(total: Int, enabled: Bool? = nil) {
        self.total = max(total, 1)
        let tty = isatty(2) != 0
        self.enabled = enabled ?? (tty && total > 1)
        var columns = 80
        if tty {
            var size = winsize()
            if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { columns = Int(size.ws_col) }
        }
        self.width = max(10, min(40, columns - 40))
    }

    /// Advances by `count` items; `label` names what is being done.
    package func advance(_ count: Int = 1, label: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        done = min(done + count, total)
        var relabelled = false
        if let label, label != self.label { self.label = label; relabelled = true }
        guard enabled else { return }
        let permille = done * 1000 / total
        guard permille / 10 != lastDrawn / 10 || done == total || relabelled else { return }
        lastDrawn = permille
        draw()
    }

    /// Erases the bar.
    package func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard enabled else { return }
        put("\r\u{1B}[2K")
    }

    private func draw() {
        let eighths = done * width * 8 / total
        let blocks = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var bar = String(repeating: "█", count: eighths / 8)
        if eighths / 8 < width { bar += blocks[eighths % 8] }
        bar += String(repeating: " ", count: max(0, width - bar.count))
        let digits = String(total).count
        let count = String(repeating: " ", count: max(0, digits - String(done).count)) + String(done)
        let name = label.count > 24 ? String(label.prefix(23)) + "…" : label
        put("\r\u{1B}[2K▕\(bar)▏ \(count)/\(total) frames  \(name)")
    }

    private func put(_ s: String) {
        var bytes = Array(s.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
