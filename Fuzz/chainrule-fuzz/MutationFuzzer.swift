#if !LIBFUZZER
#if canImport(Glibc)
import Glibc
#endif
import ChainRule
import Foundation

/// A portable mutation fuzzer for when libFuzzer is not available: it reads
/// a corpus, runs every entry once as it is, then mutates entries
/// deterministically from a seed and runs each mutation in-process.
/// Nothing is lost when an input crashes or hangs: a crash handler saves the
/// running input to `ARTIFACT_DIR/crash-seed<S>` (SIGILL/SIGTRAP from a Swift
/// trap, SIGSEGV, SIGBUS, SIGFPE, SIGABRT), and a watchdog thread saves an
/// input that runs longer than the time limit to `ARTIFACT_DIR/timeout-seed<S>`
/// and exits with status 3. Replay either with `--replay FILE`.
enum MutationFuzzer {
    /// Tokens of the two languages, spliced in to reach deeper states than random bytes do.
    /// Every function the operations' definitions declare is included (`Operation.scriptCalls`).
    static let dictionary: [String] = Operation.scriptCalls.map { $0.name + "(" } + [
        "=", "+", "-", "*", "/", "@", "^", "(", ")", "[", "]", ",", "#", "\n", "\t", " ", "axis=", "axis = 0", "axis=1",
        "zeros(", "ones(", "randn(", "scale=", "seed=", "data ", "x[0]", "[0, 1]",
        "1e999", "-1e-320", "0", "1", "-1", ".5", "2.", "1e", "[[1, 2], [3, 4]]", "[1, 2, 3]", "[]", "[[]]", "x", "y", "W",
        "\u{0}", "\u{FF}", "é", "∂", "```graph\n", "```\n", "# Title\n", "> note ", "> check ", "> expand ", "> train ",
        "<script>", "]]>", "&amp;", "\"", "'", "\u{1B}[31m",
    ]

    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        var runs = 100_000, seed: UInt64 = 1, timeLimit = 5.0, replay: String?
        var artifacts = "Fuzz/out"
        var dirs: [String] = []
        while !args.isEmpty {
            let a = args.removeFirst()
            switch a {
            case "--runs": runs = Int(args.removeFirst()) ?? runs
            case "--seed": seed = UInt64(args.removeFirst()) ?? seed
            case "--time-limit": timeLimit = Double(args.removeFirst()) ?? timeLimit
            case "--replay": replay = args.removeFirst()
            case "--artifact-dir": artifacts = args.removeFirst()
            case "--crash-on": crashMarker = Array(args.removeFirst().utf8)
            default: dirs.append(a)
            }
        }
        if let replay {
            guard let data = FileManager.default.contents(atPath: replay) else {
                FileHandle.standardError.write(Data("chainrule-fuzz: cannot read \(replay)\n".utf8))
                exit(2)
            }
            fuzzOne(Array(data)); print("replayed \(replay): no crash"); return
        }
        var corpus: [[UInt8]] = []
        for dir in dirs {
            let files = ((try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? []).sorted()
            for f in files {
                var isDir: ObjCBool = false
                let path = dir + "/" + f
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                   let data = FileManager.default.contents(atPath: path) {
                    // Seed both targets: graph-script files as even, lessons as odd.
                    corpus.append([f.hasSuffix(".md") ? 1 : 0] + Array(data))
                }
            }
        }
        if corpus.isEmpty { corpus = [[0] + Array("x = 2\ny = x * x\n".utf8)] }
        try? FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        CrashSaver.install(path: artifacts + "/crash-seed\(seed)")
        let watchdog = Watchdog(limit: timeLimit, path: artifacts + "/timeout-seed\(seed)")
        func runOne(_ input: [UInt8]) {
            CrashSaver.current(input)
            watchdog.begin(input)
            fuzzOne(input)
            watchdog.end()
        }
        var rng = SplitMix64(seed: seed)
        let start = Date()
        for input in corpus { runOne(input) }
        for i in 0..<runs {
            var input = corpus[Int(rng.next() % UInt64(corpus.count))]
            let mutations = 1 + Int(rng.next() % 6)
            for _ in 0..<mutations { mutate(&input, &rng, corpus: corpus) }
            runOne(input)
            if i % 100_000 == 99_999 {
                let rate = Double(i + 1) / Date().timeIntervalSince(start)
                print("\(i + 1) inputs, \(Int(rate))/s")
            }
        }
        print("chainrule-fuzz: \(corpus.count) + \(runs) inputs from a corpus of \(corpus.count), seed \(seed): no crash, no hang (limit \(timeLimit) s) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    static func mutate(_ x: inout [UInt8], _ rng: inout SplitMix64, corpus: [[UInt8]]) {
        let n = x.count
        func pos() -> Int { n <= 1 ? min(n, 1) : 1 + Int(rng.next() % UInt64(n - 1)) }
        switch rng.next() % 9 {
        case 0: if n > 1 { let p = pos(); if p < n { x[p] ^= UInt8(1 << (rng.next() % 8)) } }
        case 1: if n > 1 { let p = pos(); if p < n { x[p] = UInt8(truncatingIfNeeded: rng.next()) } }
        case 2: let p = pos(); x.insert(contentsOf: Array(dictionary[Int(rng.next() % UInt64(dictionary.count))].utf8), at: min(p, x.count))
        case 3: if n > 2 { let p = pos(); let len = Int(rng.next() % 8) + 1; x.removeSubrange(p..<min(n, p + len)) }
        case 4: if n > 2 { let p = pos(); let len = min(n - p, Int(rng.next() % 16) + 1); let chunk = Array(x[p..<p + len]); x.insert(contentsOf: chunk, at: p) }
        case 5: // splice with another corpus entry
            let other = corpus[Int(rng.next() % UInt64(corpus.count))]
            if other.count > 2 { let q = 1 + Int(rng.next() % UInt64(other.count - 1)); x = Array(x.prefix(pos())) + other[q...] }
        case 6: // deep nesting or a long run
            let p = pos(), k = Int(rng.next() % 64) + 1
            let unit: [UInt8] = [Array("(".utf8), Array("[".utf8), Array("-".utf8), Array("9".utf8)][Int(rng.next() % 4)]
            x.insert(contentsOf: Array([[UInt8]](repeating: unit, count: k).joined()), at: min(p, x.count))
        case 7: if n > 1 { x[0] ^= 1 }  // switch target
        default: // swap two lines
            let lines = x.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            if lines.count > 2 {
                var l = lines.map(Array.init)
                let i = Int(rng.next() % UInt64(l.count)), j = Int(rng.next() % UInt64(l.count))
                l.swapAt(i, j)
                x = Array(l.joined(separator: [UInt8(ascii: "\n")]))
            }
        }
        if x.count > 1 << 16 { x.removeSubrange((1 << 16)...) }
    }
}


/// Aborts the process when one input runs past the time limit, after saving it.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var started: Date?
    private var input: [UInt8] = []
    private let limit: Double

    init(limit: Double, path: String) {
        self.limit = limit
        let thread = Thread { [unowned self] in
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                self.lock.lock()
                let s = self.started, bytes = self.input
                self.lock.unlock()
                if let s, Date().timeIntervalSince(s) > self.limit {
                    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
                    FileHandle.standardError.write(Data("chainrule-fuzz: an input ran longer than \(self.limit) s (saved to \(path))\n".utf8))
                    exit(3)
                }
            }
        }
        thread.start()
    }

    func begin(_ bytes: [UInt8]) { lock.lock(); started = Date(); input = bytes; lock.unlock() }
    func end() { lock.lock(); started = nil; lock.unlock() }
}

/// Saves the running input when the process dies of a crash signal. The
/// handler only uses async-signal-safe calls (`open`, `write`, `close`,
/// `sigaction`) on memory prepared in advance, runs on its own stack (a
/// stack overflow must be saved too), then puts the previous handler back
/// and returns, so the fault happens again and ends the process as before.
enum CrashSaver {
    static let capacity = (1 << 16) + 1
    nonisolated(unsafe) static let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    nonisolated(unsafe) static var length = 0
    nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var message: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var messageLength = 0
    /// The handlers in place before, by signal number.
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    static let signals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]

    static func install(path file: String) {
        path = strdup(file)
        let text = "chainrule-fuzz: crashing input saved to \(file)\n"
        message = strdup(text)
        messageLength = text.utf8.count
        var stack = stack_t()
        let size = 1 << 16
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        sigaltstack(&stack, nil)
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in CrashSaver.save(sig) }
            action.sa_flags = Int32(SA_ONSTACK)
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, previous + Int(sig))
        }
    }

    /// Records the input about to run (at most 64 KiB + 1 byte, as the mutator makes them).
    static func current(_ input: [UInt8]) {
        length = 0
        let n = min(input.count, capacity)
        input.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: n) }
        length = n
    }

    static func save(_ sig: Int32) {
        if let path {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd >= 0 {
                var done = 0
                while done < length {
                    let w = write(fd, buffer + done, length - done)
                    if w <= 0 { break }
                    done += w
                }
                close(fd)
                if let message { _ = write(2, message, messageLength) }
            }
        }
        sigaction(sig, previous + Int(sig), nil)
        if sig == SIGABRT || sig == SIGTRAP { raise(sig) }
    }
}
#endif
