#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP during an export.
///
/// While an `ExportFileStore` exists, these signals are caught. The first one
/// only sets a flag and says so on stderr: the file being written is
/// finished (each is written to a temporary file and renamed, so it is
/// complete or absent), the next `write` throws, the exporter writes the
/// manifests of what it wrote (so the next export may replace those files),
/// and when the store goes away the signal is raised again with the
/// previous disposition — the process ends as interrupted processes do
/// (status 130 for Ctrl-C in a shell). A second signal stops at once: the
/// temporary file in progress, if any, is removed first, so even then no
/// half-written file is left behind.
package enum ExportInterruption {
    /// The signal received (0: none). Lock-free, so the handler may touch it.
    static let received = Atomic<Int32>(0)
    /// The temporary file being written, for the handler (second signal).
    static let pendingValid = Atomic<Bool>(false)
    nonisolated(unsafe) static let pendingPath: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX) + 1)
        p.initialize(repeating: 0, count: Int(PATH_MAX) + 1)
        return p
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var previous: [Int32: sigaction] = [:]
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The signal that interrupted the export, if one did.
    package static var signal: Int32? {
        let s = received.load(ordering: .sequentiallyConsistent)
        return s == 0 ? nil : s
    }

    /// Starts catching the signals (nested calls are counted).
    static func begin() {
        lock.lock(); defer { lock.unlock() }
        depth += 1
        guard depth == 1 else { return }
        _ = pendingPath  // allocate outside the handler
        received.store(0, ordering: .sequentiallyConsistent)
        for sig in signals {
            // A signal the process was started with ignored (nohup, a
            // background job of a script) stays ignored.
            var current = sigaction()
            guard sigaction(sig, nil, &current) == 0, !isIgnored(current) else { continue }
            var action = sigaction()
            #if canImport(Darwin)
            action.__sigaction_u.__sa_handler = exportSignalHandler
            #else
            action.__sigaction_handler.sa_handler = exportSignalHandler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var old = sigaction()
            if sigaction(sig, &action, &old) == 0 { previous[sig] = old }
            // Started with the signal blocked (children spawned from a
            // libdispatch thread inherit its mask)? Take delivery of it.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, sig)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
        }
    }

    private static func isIgnored(_ action: sigaction) -> Bool {
        #if canImport(Darwin)
        let handler = action.__sigaction_u.__sa_handler
        #else
        let handler = action.__sigaction_handler.sa_handler
        #endif
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Stops catching; if a signal came, re-raises it with the previous disposition.
    static func end() {
        lock.lock()
        depth -= 1
        guard depth == 0 else { lock.unlock(); return }
        for (sig, old) in previous {
            var o = old
            sigaction(sig, &o, nil)
        }
        previous = [:]
        let sig = received.exchange(0, ordering: .sequentiallyConsistent)
        lock.unlock()
        if sig != 0 { raise(sig) }
    }

    /// Throws if a signal arrived: called before each file is written.
    static func check() throws(ExportError) {
        if let sig = signal {
            throw ExportError("interrupted (\(sig == SIGINT ? "Ctrl-C" : "signal \(sig)")); the files written so far are complete")
        }
    }

    /// Records (or clears) the temporary file being written.
    static func pending(_ path: String?) {
        pendingValid.store(false, ordering: .sequentiallyConsistent)
        guard let path else { return }
        let bytes = Array(path.utf8.prefix(Int(PATH_MAX)))
        for (i, b) in bytes.enumerated() { pendingPath[i] = CChar(bitPattern: b) }
        pendingPath[bytes.count] = 0
        pendingValid.store(true, ordering: .sequentiallyConsistent)
    }
}

/// The handler: async-signal-safe calls only (write, unlink, signal, raise).
private let exportSignalHandler: @convention(c) (Int32) -> Void = { sig in
    if ExportInterruption.received.exchange(sig, ordering: .sequentiallyConsistent) == 0 {
        let text: StaticString = "\nchainrule: interrupted; finishing the current file (press Ctrl-C again to stop at once)\n"
        _ = write(2, text.utf8Start, text.utf8CodeUnitCount)
        return
    }
    if ExportInterruption.pendingValid.load(ordering: .sequentiallyConsistent) {
        unlink(ExportInterruption.pendingPath)
    }
    signal(sig, SIG_DFL)
    raise(sig)
}
