import Foundation

/// Wall-clock seconds from a monotonic clock.
@inline(__always)
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU seconds (user + system) used so far by this process and its waited-for children.
func cpuNow() -> Double {
    var me = rusage(), kids = rusage()
    getrusage(RUSAGE_SELF.rawValue, &me)
    getrusage(RUSAGE_CHILDREN.rawValue, &kids)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return s(me.ru_utime) + s(me.ru_stime) + s(kids.ru_utime) + s(kids.ru_stime)
}

/// CPU seconds of each timed run of the last `measure` call (the machine is
/// shared: wall time includes waiting for a core, CPU time does not).
nonisolated(unsafe) var lastCPU: [Double] = []

/// Runs `body` `warmup` times untimed, then `repeats` times; the wall-clock
/// seconds of each timed run (CPU seconds in `lastCPU`).
func measure(repeats: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<warmup { try body() }
    var out: [Double] = [], cpu: [Double] = []
    for _ in 0..<repeats {
        let c0 = cpuNow()
        let t0 = now()
        try body()
        out.append(now() - t0)
        cpu.append(cpuNow() - c0)
    }
    lastCPU = cpu
    return out
}

/// Keeps a value alive and opaque to the optimizer.
@inline(never)
func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

extension Array where Element == Double {
    var minimum: Double { self.min() ?? .nan }
    var median: Double {
        guard !isEmpty else { return .nan }
        let s = sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

/// A line of /proc/self/status in bytes (`VmRSS`, `VmHWM`).
func procStatus(_ key: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
        let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0
        return kb * 1024
    }
    return 0
}

/// The result of running a program.
struct ProcessResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var seconds: Double
}

/// Runs `path args…` to completion, capturing stdout and stderr.
func run(_ path: String, _ args: [String], stdoutTo file: String? = nil, cwd: String? = nil,
         environment: [String: String]? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    if let file {
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: file)
    } else {
        p.standardOutput = out
    }
    p.standardError = err
    // `waitUntilExit` polls every 50 ms (swift-corelibs-foundation runs the
    // run loop in 0.05 s slices), which rounded every whole-process time up
    // to about 50 ms; the termination handler fires when the child is reaped.
    let exited = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in exited.signal() }
    let t0 = now()
    try p.run()
    // Read both pipes while the child runs, so a chatty child cannot block.
    nonisolated(unsafe) var outData = Data(), errData = Data()
    let group = DispatchGroup()
    if file == nil {
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    }
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    exited.wait()
    let seconds = now() - t0
    p.waitUntilExit()
    group.wait()
    return ProcessResult(status: p.terminationStatus, stdout: outData,
                         stderr: String(decoding: errData, as: UTF8.self), seconds: seconds)
}

/// The directory holding this executable (where `swift build` also puts `chainrule`).
func executableDirectory() -> String {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return (exe as NSString).deletingLastPathComponent
}

/// The package root: the nearest ancestor of the working directory (or of
/// the executable) holding Package.swift and Benchmarks/.
func packageRoot() -> String {
    var candidates = [FileManager.default.currentDirectoryPath, executableDirectory()]
    if let env = ProcessInfo.processInfo.environment["CHAINRULE_ROOT"] { candidates.insert(env, at: 0) }
    for start in candidates {
        var dir = start
        while dir != "/" && !dir.isEmpty {
            if FileManager.default.fileExists(atPath: dir + "/Package.swift"),
               FileManager.default.fileExists(atPath: dir + "/Benchmarks") { return dir }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }
    return FileManager.default.currentDirectoryPath
}

/// Fails a benchmark with a message.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Formats seconds for humans: `812 ns`, `12.3 µs`, `4.56 ms`, `1.23 s`.
func formatSeconds(_ s: Double) -> String {
    guard s.isFinite else { return "—" }
    if s < 1e-6 { return String(format: "%.0f ns", s * 1e9) }
    if s < 1e-3 { return String(format: "%.1f µs", s * 1e6) }
    if s < 1 { return String(format: "%.2f ms", s * 1e3) }
    return String(format: "%.2f s", s)
}
