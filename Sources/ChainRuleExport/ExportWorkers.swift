#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ChainRuleLessons
import Foundation

// Lessons exported by other processes of this program.
//
// Graphviz is not thread-safe: one process draws one figure at a time, so
// lessons exported on threads (`exportEach`) share one core for most of
// their work. The command line can export some of the lessons in other
// processes of its own binary instead (`ExportOptions.workerCommand`, never
// the `dot` program): each exports a contiguous block of the lessons into
// the same folder — the same files, byte for byte, as each lesson's export
// is independent of the others — and reports what it did as JSON on stdout;
// this process exports the first block, then writes the lesson list.

/// What a worker process reports: per lesson, what the summary and the lesson list need.
struct ExportWorkerReport: Codable {
    struct Entry: Codable {
        var id: String
        var title: String
        var frames: Int
        var frameNames: [String]
        var frameSections: [Int?]
        var slideshow: String
        var renders: Int
        var trainingSeconds: Double
        var cardKey: String
        var cardHTML: String
    }
    var lessons: [Entry]
    var files: Int
    var bytes: Int

    init(_ outcomes: [LessonOutcome], files: Int, bytes: Int) {
        lessons = outcomes.map { o in
            Entry(id: o.result.id, title: o.result.title, frames: o.result.frames,
                   frameNames: o.result.frameFiles.map(\.name), frameSections: o.result.frameFiles.map(\.section),
                   slideshow: o.result.slideshow, renders: o.renders, trainingSeconds: o.trainingSeconds,
                   cardKey: o.card.sortKey, cardHTML: o.card.html)
        }
        self.files = files
        self.bytes = bytes
    }

    var outcomes: [LessonOutcome] {
        lessons.map { l in
            LessonOutcome(renders: l.renders, trainingSeconds: l.trainingSeconds,
                          result: ExportSummary.LessonResult(id: l.id, title: l.title, frames: l.frames,
                                                             frameFiles: Array(zip(l.frameNames, l.frameSections)),
                                                             slideshow: l.slideshow),
                          card: LessonIndexPage.Card(sortKey: l.cardKey, html: l.cardHTML))
        }
    }
}

extension LessonExporter {
    /// A worker's export: `lessons` into the folder, without the lesson
    /// list (the process that started it writes that); the report as JSON.
    public func exportAsWorker(_ lessons: [Lesson]) throws(ExportError) -> String {
        var worker = self.options
        worker.jobs = 1
        worker.progress = false
        worker.workerCommand = nil
        let options = worker
        let store = ExportFileStore(root: options.directory)
        let progress = ExportProgress(total: 0, enabled: false)
        let outcomes: [LessonOutcome]
        do throws(ExportError) {
            outcomes = try Self.exportEach(lessons, jobs: 1) { lesson throws(ExportError) in
                try Self.exportOne(lesson, options: options, store: store, progress: progress)
            }
            try store.finish()
        } catch {
            try? store.finish(removingStale: false)
            throw error
        }
        let report = ExportWorkerReport(outcomes, files: store.fileCount, bytes: store.byteCount)
        guard let data = try? JSONEncoder().encode(report) else { throw ExportError("internal error: cannot encode the worker's report") }
        return String(decoding: data, as: UTF8.self)
    }

    /// A worksheet worker's work (`ExportOptions.worksheetWorkerCommand`):
    /// the worksheets and answer keys of `lesson`, framed for the process that started it.
    public func worksheetsAsWorker(_ lesson: Lesson) throws(ExportError) -> [UInt8] {
        try WorksheetFiles.render(lesson, options: options)
    }

    /// A lesson's training (`> train`), in frames of work: the shipped
    /// two-layer net's costs about as much as 140 frames (callgrind, 2026-12-01),
    /// a fifth of every lesson's export; without it the block holding that
    /// lesson took 62 % of the work.
    static let trainingWeight = 140

    /// Splits `lessons` into `count` contiguous blocks of about equal work
    /// (steps, per graph its layout, figures and worksheets, and a training).
    static func blocks(_ lessons: [Lesson], count: Int) -> [Range<Int>] {
        let weights = lessons.map { lesson in
            lesson.steps.count + 12 * max(1, lesson.sections.count)
                + (lesson.steps.contains { $0.training != nil } ? trainingWeight : 0)
        }
        var prefix = [0]
        for w in weights { prefix.append(prefix.last! + w) }
        let total = prefix.last!, n = lessons.count, parts = max(1, min(count, n))
        // Each cut where the work before it is closest to its share, every block non-empty.
        var cuts = [0]
        for k in 1..<parts {
            let target = Double(k * total) / Double(parts)
            let candidates = (cuts.last! + 1)...(n - (parts - k))
            cuts.append(candidates.min { abs(Double(prefix[$0]) - target) < abs(Double(prefix[$1]) - target) }!)
        }
        cuts.append(n)
        return (0..<parts).map { cuts[$0]..<cuts[$0 + 1] }
    }

    /// Exports the first block here and the others in worker processes; the
    /// outcomes in the lessons' order, and the workers' files and bytes.
    static func exportWithWorkers(_ lessons: [Lesson], workers: Int, command: @Sendable (Range<Int>) -> [String],
                                  progress: ExportProgress, _ body: @escaping @Sendable (Lesson) throws(ExportError) -> LessonOutcome)
        throws(ExportError) -> (outcomes: [LessonOutcome], files: Int, bytes: Int) {
        let ranges = blocks(lessons, count: workers)
        var started: [WorkerProcess] = []
        for range in ranges.dropFirst() {
            do { started.append(try WorkerProcess(command(range))) } catch {
                // Could not start one: this process does its lessons.
                started.forEach { $0.stop() }
                _ = started.map { $0.wait() }
                return (try exportEach(lessons, jobs: 1, body), 0, 0)
            }
        }
        var outcomes: [LessonOutcome] = []
        do throws(ExportError) {
            outcomes = try exportEach(Array(lessons[ranges[0]]), jobs: 1, body)
        } catch {
            // A serial export would not have started the later lessons.
            started.forEach { $0.stop() }
            _ = started.map { $0.wait() }
            throw error
        }
        var files = 0, bytes = 0
        var failure: ExportError?
        for worker in started {
            let (status, out, err) = worker.wait()
            guard failure == nil else { continue }
            if status == 0, let report = try? JSONDecoder().decode(ExportWorkerReport.self, from: Data(out.utf8)) {
                outcomes += report.outcomes
                progress.advance(report.lessons.reduce(0) { $0 + $1.frames })
                files += report.files
                bytes += report.bytes
            } else {
                let line = err.split(separator: "\n").first { $0.hasPrefix("error: ") }.map { String($0.dropFirst(7)) }
                failure = ExportError(line ?? "a worker process failed (status \(status)): \(err.prefix(300))")
            }
        }
        if let failure { throw failure }
        return (outcomes, files, bytes)
    }
}

/// A worker process: our own executable, its stdout and stderr in temporary files.
final class WorkerProcess {
    private let pid: pid_t
    private let output: String
    private let errors: String

    init(_ arguments: [String]) throws(ExportError) {
        output = try Self.temporary("out")
        do { errors = try Self.temporary("err") } catch { unlink(output); throw error }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_TRUNC, 0o600)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, arguments[0], &actions, nil, &argv, environ)
        guard status == 0 else {
            unlink(output); unlink(errors)
            throw ExportError("cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    /// A copy of this process (`fork`) that runs `body` and ends, its bytes
    /// (or nil: a failure) written where `waitBytes` reads them. Only for a
    /// process with one thread (a forked copy has only the calling thread):
    /// the command line's export, before it starts any. The copy skips the
    /// program's start (loading libraries, parsing arguments and lessons).
    init(forking body: () -> [UInt8]?) throws(ExportError) {
        output = try Self.temporary("out")
        do { errors = try Self.temporary("err") } catch { unlink(output); throw error }
        // The export's signals wait until the copy has its own dispositions (a `stop()` right
        // after the fork must not run the export's handler in the copy).
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        for sig in ExportInterruption.signals { sigaddset(&blocked, sig) }
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let child = fork()
        guard child >= 0 else {
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            unlink(output); unlink(errors)
            throw ExportError("cannot start a worker: \(String(cString: strerror(errno)))")
        }
        if child == 0 {
            // The copy: never returns into the caller's code. What it says goes to its own
            // file (not the terminal); a signal ends it at once (the export's handler is not its).
            let err = open(errors, O_WRONLY | O_TRUNC | O_CLOEXEC)
            if err >= 0 { dup2(err, 1); dup2(err, 2) }
            for sig in ExportInterruption.signals { signal(sig, SIG_DFL) }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            var status: Int32 = 1
            if let bytes = body() {
                let fd = open(output, O_WRONLY | O_TRUNC | O_CLOEXEC)
                if fd >= 0 {
                    var done = 0
                    while done < bytes.count {
                        let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                        if n < 0 && errno == EINTR { continue }
                        guard n > 0 else { break }
                        done += n
                    }
                    if done == bytes.count && close(fd) == 0 { status = 0 }
                }
            }
            _exit(status)
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        pid = child
    }

    static func temporary(_ what: String) throws(ExportError) -> String {
        var template = Array((NSTemporaryDirectory() + "/chainrule-export-\(what)-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ExportError("cannot create a temporary file: \(String(cString: strerror(errno)))") }
        close(fd)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Asks the worker to stop after the file it is writing (as Ctrl-C does).
    func stop() { kill(pid, SIGTERM) }

    /// Waits for the worker: its exit status (128 + signal if killed), stdout and stderr.
    func wait() -> (status: Int32, output: String, errors: String) {
        let (code, out, err) = waitBytes()
        return (code, String(decoding: out, as: UTF8.self), err)
    }

    /// `wait()` with stdout as bytes.
    func waitBytes() -> (status: Int32, output: [UInt8], errors: String) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = Self.readFile(output)
        let err = String(decoding: Self.readFile(errors), as: UTF8.self)
        unlink(output); unlink(errors)
        return (code, out, err)
    }

    /// A whole file's bytes through `read(2)` (empty when it cannot be read). Foundation's
    /// `String(contentsOfFile:)` lost a 4 KB buffer per call under valgrind.
    static func readFile(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[..<n])
        }
        return bytes
    }
}
