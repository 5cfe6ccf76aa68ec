import ChainRule
import ChainRuleLessons
import ChainRuleRender
import Foundation

/// What `chainrule export` writes and how.
public struct ExportOptions: Sendable {
    /// The folder to write into (`Output/`).
    public var directory: URL
    /// The figures' theme; the slideshows follow it.
    public var theme: FigureTheme
    /// Formats for every figure written (frames, finished figures,
    /// worksheets). `nil`: frames as SVG; finished figures and worksheets
    /// as SVG and PDF. The slideshows always carry their figures inline.
    public var formats: [GraphvizFormat]?
    /// Draw a progress bar on stderr: `nil` decides by `isatty(2)`.
    public var progress: Bool?
    /// Local derivatives under the gradients of every figure, from the operations' definitions (`--local`).
    public var localDerivatives = false
    /// Also write each graph with inferred neurons folded at this level
    /// (`collapsed.svg` …, see `CollapsedFigure`) and end the slideshow with it.
    public var collapse: CollapseLevel?
    /// The paper of the worksheets and answer keys (`--page`; the locale's by default).
    public var paper: PaperSize = .forLocale()
    /// How many lessons are exported at once, on as many threads (`--jobs`).
    /// `nil`: one per processor. The files are the same bytes whatever the
    /// number: each lesson is exported on its own, Graphviz calls are
    /// serialized, and the results are gathered in the lessons' order.
    public var jobs: Int?
    /// Keep the files in memory (`ExportSummary.memoryFiles`) instead of
    /// writing them under `directory` (`chainrule serve`).
    package var inMemory = false
    /// With more than one job: the command line of a process of this
    /// program that exports lessons `range` of the same list into the same
    /// folder (`chainrule export … --worker-range A-B`); the lessons are then
    /// exported in that many processes (Graphviz draws one figure at a time
    /// per process) instead of threads. The files are the same bytes.
    package var workerCommand: (@Sendable (Range<Int>) -> [String])?
    /// The command line of a process of this program that draws the
    /// worksheets and answer keys of lesson `index` of the same list and
    /// writes them to its stdout (`chainrule export … --worker-worksheets N`):
    /// used when one lesson is exported with more than one job. The files
    /// are the same bytes.
    package var worksheetWorkerCommand: (@Sendable (Int) -> [String])?
    /// Draw that lesson's worksheets in a copy of this process (`fork`)
    /// instead: only for a program that has started no other thread (the
    /// command line's export).
    package var forkWorksheetWorker = false

    /// Export into `directory` with `theme`; `formats` and `progress` as above.
    public init(directory: URL, theme: FigureTheme = .light, formats: [GraphvizFormat]? = nil, progress: Bool? = nil) {
        self.directory = directory
        self.theme = theme
        self.formats = formats
        self.progress = progress
    }

    var frameFormats: [GraphvizFormat] { formats ?? [.svg] }
    var figureFormats: [GraphvizFormat] { formats ?? [.svg, .pdf] }
}

/// What an export did (for the command's summary line and the benchmarks).
public struct ExportSummary: Sendable {
    /// What was written for one lesson.
    public struct LessonResult: Sendable {
        /// The lesson's id: its folder's name.
        public let id: String
        /// The lesson's title.
        public let title: String
        /// How many step figures were written.
        public let frames: Int
        /// Per step: its frame's file name without extension
        /// (`03-forward-total`), and the graph section it belongs to
        /// (`nil` for a training step's loss curve).
        public let frameFiles: [(name: String, section: Int?)]
        /// The slideshow, relative to the export folder (`apples/index.html`).
        public let slideshow: String
    }
    /// One result per lesson, in the order given.
    public let lessons: [LessonResult]
    /// Step frames rendered (each once, in every format asked for).
    public let frames: Int
    /// Figures rendered in total (frames, finished figures, worksheets; per format).
    public let renders: Int
    /// Files written (unchanged files rewritten included).
    public let files: Int
    /// Bytes written.
    public let bytes: Int
    /// Wall-clock time of the whole export.
    public let seconds: Double
    /// Of `seconds`, the time spent training networks (lessons with `> train`).
    public let trainingSeconds: Double
    /// Milliseconds per step frame, training excluded (it runs once per lesson,
    /// not per frame); includes finished figures, worksheets and pages.
    public var millisecondsPerFrame: Double { frames == 0 ? 0 : (seconds - trainingSeconds) * 1000 / Double(frames) }
    /// With `ExportOptions.inMemory`: every file, by path relative to the
    /// export folder (`apples/index.html`); otherwise empty.
    package var memoryFiles: [String: [UInt8]] = [:]
}

/// Exports lessons for instructors: per lesson a folder with every step as
/// a figure (`NN-<pass>-<node>.svg`), the finished forward and backward
/// figures, a worksheet with the gradients blank and its answer key, and a
/// self-contained HTML slideshow (`index.html`); `index.html` at the top
/// lists the lessons.
///
/// Each graph of a lesson is laid out once (`FigureLayout`); all of its
/// frames, its worksheet and its answer key are drawn on that layout, so
/// nothing moves between steps. Files are written through
/// `ExportFileStore` (atomic, never over files the export did not write).
public struct LessonExporter {
    /// Where and how to export.
    public let options: ExportOptions

    /// An exporter with these options.
    public init(options: ExportOptions) { self.options = options }

    /// Exports `lessons` and the lesson list.
    public func export(_ lessons: [Lesson]) throws(ExportError) -> ExportSummary {
        let clock = ContinuousClock()
        let start = clock.now
        let store = ExportFileStore(root: options.directory, inMemory: options.inMemory)
        let totalFrames = lessons.reduce(0) { $0 + $1.steps.count }
        let progress = ExportProgress(total: totalFrames, enabled: options.progress)
        var results: [ExportSummary.LessonResult] = []
        var cards: [LessonIndexPage.Card] = []
        var renders = 0
        var training = 0.0
        var workerFiles = (files: 0, bytes: 0)
        do throws(ExportError) {
            // A repeated id stops the export at that lesson (the ones before it are exported).
            var ids: Set<String> = []
            var repeated: ExportError?
            var count = lessons.count
            for (i, lesson) in lessons.enumerated() where !ids.insert(lesson.id).inserted {
                repeated = ExportError("two lessons have the id '\(lesson.id)'; export them separately with -o")
                count = i
                break
            }
            let (outcomes, files, bytes) = try exportLessons(Array(lessons[..<count]), store: store, progress: progress)
            workerFiles = (files, bytes)
            for outcome in outcomes {
                renders += outcome.renders
                training += outcome.trainingSeconds
                results.append(outcome.result)
                cards.append(outcome.card)
            }
            if let repeated { throw repeated }
            // Lessons exported earlier into this folder stay in the list.
            if !options.inMemory { cards += Self.earlierCards(in: options.directory, except: ids) }
            let index = LessonIndexPage(cards: cards, theme: options.theme)
            try store.write(index.html(), to: "index.html")
            progress.finish()
            try store.finish()
        } catch {
            progress.finish()
            try? store.finish(removingStale: false)
            throw error
        }
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var summary = ExportSummary(lessons: results, frames: totalFrames, renders: renders,
                                    files: store.fileCount + workerFiles.files, bytes: store.byteCount + workerFiles.bytes,
                                    seconds: seconds, trainingSeconds: training)
        summary.memoryFiles = store.memoryFiles
        return summary
    }
}

/// What the export of one lesson gives back to the summary and the lesson list.
struct LessonOutcome: Sendable {
    var renders: Int
    var trainingSeconds: Double
    var result: ExportSummary.LessonResult
    var card: LessonIndexPage.Card
}

extension LessonExporter {
    /// Exports `lessons` on threads, or in worker processes (`ExportOptions.workerCommand`);
    /// the outcomes in order, and the files and bytes the workers wrote.
    func exportLessons(_ lessons: [Lesson], store: ExportFileStore,
                       progress: ExportProgress) throws(ExportError) -> (outcomes: [LessonOutcome], files: Int, bytes: Int) {
        let options = self.options
        let body: @Sendable (Lesson) throws(ExportError) -> LessonOutcome = { lesson throws(ExportError) in
            try Self.exportOne(lesson, options: options, store: store, progress: progress)
        }
        let workers = min(options.jobs ?? ProcessInfo.processInfo.activeProcessorCount, lessons.count)
        if let command = options.workerCommand, !options.inMemory, workers > 1 {
            return try Self.exportWithWorkers(lessons, workers: workers, command: command, progress: progress, body)
        }
        // One lesson, more than one processor: its worksheets are drawn by another process meanwhile
        // (a copy of this one when it may fork, else a new process of this program).
        if lessons.count == 1, !options.inMemory, (options.jobs ?? ProcessInfo.processInfo.activeProcessorCount) > 1,
           !lessons[0].sections.isEmpty, let worker = Self.worksheetWorker(lessons[0], options: options) {
            return ([try Self.exportOne(lessons[0], options: options, store: store, progress: progress,
                                        worksheetWorker: worker)], 0, 0)
        }
        return (try Self.exportEach(lessons, jobs: options.jobs, body), 0, 0)
    }

    /// A process drawing `lesson`'s worksheets (`ExportWorksheet.swift`), if one can be started.
    static func worksheetWorker(_ lesson: Lesson, options: ExportOptions) -> WorkerProcess? {
        if options.forkWorksheetWorker {
            var worker = options
            worker.progress = false
            worker.forkWorksheetWorker = false
            worker.workerCommand = nil
            worker.worksheetWorkerCommand = nil
            let copy = worker
            if let forked = try? WorkerProcess(forking: { try? WorksheetFiles.render(lesson, options: copy) }) { return forked }
        }
        guard let command = options.worksheetWorkerCommand else { return nil }
        return try? WorkerProcess(command(0))
    }

    /// Exports one lesson (its folder and its card for the lesson list).
    static func exportOne(_ lesson: Lesson, options: ExportOptions, store: ExportFileStore,
                          progress: ExportProgress, worksheetWorker: WorkerProcess? = nil) throws(ExportError) -> LessonOutcome {
        let exported = try LessonExport(lesson: lesson, options: options, store: store, progress: progress)
        exported.worksheetWorker = worksheetWorker
        try exported.run()
        let card = LessonIndexPage.Card(sortKey: Self.sortKey(lesson), html: LessonIndexPage.card(exported.indexEntry))
        try store.write("<!-- \(Self.cardMarker) \(card.sortKey) -->\n" + card.html, to: lesson.id + "/" + Self.cardName)
        return LessonOutcome(renders: exported.renders, trainingSeconds: exported.trainingSeconds,
                             result: ExportSummary.LessonResult(id: lesson.id, title: lesson.title,
                                                                frames: lesson.steps.count, frameFiles: exported.frameFiles,
                                                                slideshow: lesson.id + "/index.html"),
                             card: card)
    }

    /// Runs `body` for every lesson, `jobs` at a time (`nil`: one per
    /// processor), and returns the outcomes in the lessons' order.
    ///
    /// Lessons are handed out in order. After a failure no further lesson
    /// starts (the ones already running finish), and the failure of the
    /// earliest lesson is thrown, as a one-at-a-time export would.
    /// Each worker thread gets an 8 MiB stack, like the main thread's
    /// (Graphviz's layout recurses). If a thread cannot be created, the
    /// others (the calling thread at least) do its share.
    static func exportEach(_ lessons: [Lesson], jobs: Int?,
                           _ body: @escaping @Sendable (Lesson) throws(ExportError) -> LessonOutcome) throws(ExportError) -> [LessonOutcome] {
        let workers = max(1, min(jobs ?? ProcessInfo.processInfo.activeProcessorCount, lessons.count))
        if workers == 1 {
            var outcomes: [LessonOutcome] = []
            for lesson in lessons { outcomes.append(try body(lesson)) }
            return outcomes
        }
        let queue = LessonQueue(count: lessons.count)
        let work: @Sendable () -> Void = {
            while let i = queue.next() {
                do throws(ExportError) { queue.finish(i, .success(try body(lessons[i]))) } catch { queue.finish(i, .failure(error)) }
            }
        }
        // Joined before returning: nothing of the export (its store, whose
        // end re-raises an interrupting signal) outlives this call.
        var threads: [pthread_t] = []
        for _ in 1..<workers {
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setstacksize(&attributes, 8 << 20)
            let box = Unmanaged.passRetained(WorkerBox(work)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, &attributes, { raw in
                Unmanaged<WorkerBox>.fromOpaque(raw!).takeRetainedValue().work()
                return nil
            }, box)
            pthread_attr_destroy(&attributes)
            if status == 0 { threads.append(thread) } else { Unmanaged<WorkerBox>.fromOpaque(box).release() }
        }
        work()
        for thread in threads { pthread_join(thread, nil) }
        return try queue.outcomes()
    }

    /// A worker thread's body.
    final class WorkerBox: @unchecked Sendable {
        let work: @Sendable () -> Void
        init(_ work: @escaping @Sendable () -> Void) { self.work = work }
    }

    /// The lessons' indices handed to the workers, and what each gave back.
    final class LessonQueue: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private var firstFailure = Int.max
        private var results: [Result<LessonOutcome, ExportError>?]

        init(count: Int) { results = Array(repeating: nil, count: count) }

        /// The next lesson to export, or nil when all are handed out or one failed.
        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard nextIndex < results.count, firstFailure == .max else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }

        func finish(_ i: Int, _ result: Result<LessonOutcome, ExportError>) {
            lock.lock(); defer { lock.unlock() }
            results[i] = result
            if case .failure = result { firstFailure = min(firstFailure, i) }
        }

        /// The outcomes in order, or the earliest lesson's failure.
        func outcomes() throws(ExportError) -> [LessonOutcome] {
            lock.lock(); defer { lock.unlock() }
            var all: [LessonOutcome] = []
            for result in results {
                switch result {
                case .success(let outcome)?: all.append(outcome)
                case .failure(let error)?: throw error
                case nil: break  // not started after a failure
                }
            }
            return all
        }
    }

    /// Each lesson folder keeps its card for the lesson list, so exporting
    /// one lesson later keeps the others in `index.html`.
    static let cardName = ".chainrule-card.html"
    static let cardMarker = "chainrule-card"

    static func sortKey(_ lesson: Lesson) -> String {
        let n = String(lesson.number ?? 999_999)
        return String(repeating: "0", count: max(0, 6 - n.count)) + n + " " + lesson.id
    }

    /// Cards of lessons an earlier export wrote under `root` (and nobody changed since).
    static func earlierCards(in root: URL, except ids: Set<String>) -> [LessonIndexPage.Card] {
        let fm = FileManager.default
        let folders = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter { !ids.contains($0) && !$0.hasPrefix(".") }.sorted()
        var cards: [LessonIndexPage.Card] = []
        for folder in folders {
            let dir = root.appendingPathComponent(folder).path
            let manifest = ExportFileStore.readManifest(atPath: dir + "/" + ExportFileStore.manifestName)
            guard let sum = manifest[cardName], let data = fm.contents(atPath: dir + "/" + cardName),
                  ExportFileStore.checksum([UInt8](data)) == sum else { continue }
            let text = String(decoding: data, as: UTF8.self)
            guard text.hasPrefix("<!-- \(cardMarker) "), let end = text.range(of: " -->\n") else { continue }
            let key = String(text[text.index(text.startIndex, offsetBy: 6 + cardMarker.count)..<end.lowerBound])
            cards.append(LessonIndexPage.Card(sortKey: key, html: String(text[end.upperBound...])))
        }
        return cards
    }
}

/// The export of one lesson.
final class LessonExport {
    let lesson: Lesson
    let options: ExportOptions
    let store: ExportFileStore
    let progress: ExportProgress
    /// One laid-out figure per graph section.
    var layouts: [Int: FigureLayout] = [:]
    var renders = 0
    var frameFiles: [(name: String, section: Int?)] = []
    var trainingSeconds = 0.0
    /// Per section, whether its figure is too big to read whole (`ExportFocused.swift`).
    var focusDecisions: [Int: Bool] = [:]
    /// Focused frame files written.
    var focusedFrames = 0
    var indexEntry = LessonIndexPage.Entry(number: "", title: "", href: "", summary: "", thumbnail: "", links: [])
    /// The process drawing this lesson's worksheets, until they are collected (`ExportWorksheet.swift`).
    var worksheetWorker: WorkerProcess?
    /// The worksheets it sent, by file name.
    var workerWorksheets: [String: [UInt8]] = [:]
    /// While a worksheet worker draws: the files to write once its sheets are
    /// in, in order (`ExportWorksheet.swift`); nil: files are written at once.
    var queued: [QueuedFile]?
    /// Each section's worksheets and answer keys, once asked for.
    var sectionWorksheets: [Int: [String: [UInt8]]] = [:]

    init(lesson: Lesson, options: ExportOptions, store: ExportFileStore, progress: ExportProgress) throws(ExportError) {
        self.lesson = lesson
        self.options = options
        self.store = store
        self.progress = progress
    }

    deinit {
        // An export that failed before it needed the worksheets: stop their worker.
        if let worksheetWorker {
            worksheetWorker.stop()
            _ = worksheetWorker.waitBytes()
        }
    }

    var folder: String { lesson.id }

    func fail(_ what: String, _ error: some Error) -> ExportError {
        ExportError("\(lesson.fileName): cannot export \(what): \(error)")
    }

    /// The layout of section `index`, made on first use.
    func layout(_ index: Int) throws(ExportError) -> FigureLayout {
        if let known = layouts[index] { return known }
        let section = lesson.sections[index]
        let figure: Figure
        do {
            // The section's graph is already expanded when the lesson says `> expand`.
            var figureOptions = FigureOptions(theme: options.theme)
            figureOptions.localDerivatives = options.localDerivatives
            // The block's own `group`s, else the neurons and layers found in a scalar net,
            // are boxed on every frame, as `draw` boxes them.
            figureOptions.groups = section.figureGroups
            figure = try Figure(section.backward, options: figureOptions)
        } catch {
            throw fail("graph \(index + 1)", error)
        }
        let made: FigureLayout
        do { made = try FigureLayout(figure) } catch { throw fail("graph \(index + 1)", error) }
        layouts[index] = made
        return made
    }

    func render(_ layout: FigureLayout, _ frame: FigureFrame, _ format: GraphvizFormat, _ what: String) throws(ExportError) -> [UInt8] {
        renders += 1
        do { return try layout.render(frame, format: format) } catch { throw fail(what, error) }
    }

    /// Writes figure bytes with the format's marker (SVG files carry a comment).
    func write(_ bytes: [UInt8], _ name: String, _ format: GraphvizFormat) throws(ExportError) {
        let file = format == .svg ? ExportSVG.file(bytes) : bytes
        if queued != nil { queued!.append(.file(file, name)) } else { try store.write(file, to: folder + "/" + name) }
    }

    func run() throws(ExportError) {
        let (slides, training) = try writeFrames()
        // A worksheet worker draws meanwhile: the files from here on are written once
        // its sheets are in, after the slideshow is made (this process never waits idle).
        if worksheetWorker != nil { queued = [] }
        var thumbnail = ""
        var links = try writeFigures(thumbnail: &thumbnail)
        let extra = try collapsedFigures(links: &links)
        if let training {
            let plan = lesson.steps.lazy.compactMap(\.training).first
            let name = Self.safeFileName(plan?.curveFileName) ?? "loss-curve.svg"
            try write(Array(training.curveSVG.utf8), name, .svg)
            links.append(Slideshow.Link(label: "Loss curve", href: name))
        }
        if thumbnail.isEmpty, !lesson.sections.isEmpty {
            let svg = try render(try layout(0), .complete, .svg, "the thumbnail")
            thumbnail = ExportSVG.inline(svg, idPrefix: "\(lesson.id)-thumb-", label: lesson.title)
        }
        let eyebrow = lesson.number.map { "Lesson \($0)" } ?? "Lesson"
        let show = Slideshow(title: lesson.title, eyebrow: eyebrow, slides: slides + extra, links: links,
                             theme: options.theme, homeHref: "../index.html")
        let html = show.html()
        try writeQueued()
        try store.write(html, to: folder + "/index.html")
        indexEntry = entry(thumbnail: thumbnail, links: links)
    }

    /// Every step's frame (and the training's loss curve), and its slide.
    func writeFrames() throws(ExportError) -> (slides: [Slideshow.Slide], training: TrainingResult?) {
        let steps = lesson.steps
        let digits = max(2, String(steps.count).count)
        var slides: [Slideshow.Slide] = []
        var training: TrainingResult?
        let lastSection = lesson.sections.indices.last
        for step in steps {
            let sectionIndex = step.section ?? lastSection
            var svg: [UInt8] = []
            var name = ""
            if case .training = step.kind, let plan = step.training {
                // Run the training once; its loss curve is the step's figure.
                if training == nil { training = try runTraining(plan, step: step) }
                svg = Array(training!.curveSVG.utf8)
                name = Self.number(step.number, digits) + "-training-loss"
                for format in options.frameFormats where format == .svg {
                    try write(svg, name + ".svg", .svg)
                }
            } else if let sectionIndex {
                let layout = try layout(sectionIndex)
                // The same frame the player shows (values and gradients known at the step).
                let frame = FrameWriter.frame(for: step, figure: layout.figure)
                name = Self.number(step.number, digits) + "-" + Self.fileStem(step, figure: layout.figure)
                svg = try render(layout, frame, .svg, "step \(step.number)")
                for format in options.frameFormats {
                    let bytes = format == .svg ? svg : try render(layout, frame, format, "step \(step.number)")
                    try write(bytes, name + "." + format.rawValue, format)
                }
                try writeFocusedFrame(step, section: sectionIndex, layout: layout, frame: frame, name: name)
            }
            frameFiles.append((name, step.kind == .training && step.training != nil ? nil : sectionIndex))
            slides.append(slide(for: step, svg: svg, training: training))
            progress.advance(label: lesson.id)
        }
        return (slides, training)
    }

    /// Runs the lesson's training (timed, for the export's summary).
    func runTraining(_ plan: TrainingPlan, step: LessonStep) throws(ExportError) -> TrainingResult {
        let clock = ContinuousClock(), start = clock.now
        let result: TrainingResult
        do { result = try plan.run() } catch { throw fail("the training of step \(step.number)", error) }
        let d = start.duration(to: clock.now).components
        trainingSeconds += Double(d.seconds) + Double(d.attoseconds) * 1e-18
        return result
    }

    /// Finished figures, worksheets and answer keys, per graph; their links,
    /// and the first backward SVG as the lesson's thumbnail.
    func writeFigures(thumbnail: inout String) throws(ExportError) -> [Slideshow.Link] {
        var links: [Slideshow.Link] = []
        for index in lesson.sections.indices {
            let layout = try layout(index)
            let suffix = lesson.sections.count == 1 ? "" : "-\(index + 1)"
            for format in options.figureFormats {
                let ext = format.rawValue
                try write(try render(layout, .forwardOnly, format, "the forward figure"), "forward\(suffix).\(ext)", format)
                let backward = try render(layout, .complete, format, "the backward figure")
                try write(backward, "backward\(suffix).\(ext)", format)
                let names = worksheetNames(index, format)
                try writeWorksheet(index, names.sheet, format)
                try writeWorksheet(index, names.key, format)
                if format == .svg && thumbnail.isEmpty {
                    thumbnail = ExportSVG.inline(backward, idPrefix: "\(lesson.id)-thumb-", label: "\(lesson.title): the finished backward pass")
                }
            }
            let preferred = options.figureFormats.contains(.pdf) ? "pdf" : options.figureFormats.first!.rawValue
            let n = lesson.sections.count == 1 ? "" : " \(index + 1)"
            links.append(Slideshow.Link(label: "Worksheet\(n)", href: "worksheet\(suffix).\(preferred)"))
            links.append(Slideshow.Link(label: "Answers\(n)", href: "worksheet\(suffix)-answers.\(preferred)"))
            links.append(Slideshow.Link(label: "Figure\(n)", href: "backward\(suffix).\(preferred)"))
        }
        return links
    }

    /// The lesson's entry on the index page.
    func entry(thumbnail: String, links: [Slideshow.Link]) -> LessonIndexPage.Entry {
        let steps = lesson.steps
        let forwardCount = steps.filter { if case .forward = $0.kind { return true } else { return false } }.count
        let backwardCount = steps.filter { if case .backward = $0.kind { return true } else { return false } }.count
        var summary = "\(steps.count) steps: \(forwardCount) forward, \(backwardCount) backward"
        if lesson.sections.count > 1 { summary += "; \(lesson.sections.count) graphs" }
        return LessonIndexPage.Entry(
            number: lesson.number.map { "Lesson \($0)" } ?? lesson.id, title: lesson.title,
            href: folder + "/index.html", summary: summary, thumbnail: thumbnail,
            links: [Slideshow.Link(label: "Slideshow", href: folder + "/index.html")]
                + links.prefix(2).enumerated().map { i, link in
                    Slideshow.Link(label: i == 0 ? "Worksheet" : "Answer key", href: folder + "/" + link.href)
                })
    }

    // MARK: - Steps → frames and slides

    /// A lesson-given file name (`digits-training.svg`) if it is a plain `.svg` name.
    static func safeFileName(_ name: String?) -> String? {
        guard let name, name.hasSuffix(".svg"), !name.hasPrefix("."), !name.contains("/"), name.count <= 80,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }),
              !["index.html", "forward.svg", "backward.svg", "worksheet.svg", "worksheet-answers.svg"].contains(name),
              name.first?.isNumber != true
        else { return nil }
        return name
    }

    static func number(_ n: Int, _ digits: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// `forward-price`, `backward-apple`, `overview`, `check`, `summary`.
    static func fileStem(_ step: LessonStep, figure: Figure) -> String {
        switch step.kind {
        case .overview: return "overview"
        case .forward(let n): return "forward-" + slug(node: n, figure: figure) + (step.question == nil ? "" : "-ask")
        case .seed(let n): return "seed-" + slug(node: n, figure: figure)
        case .backward(let n): return "backward-" + slug(node: n, figure: figure) + (step.question == nil ? "" : "-ask")
        case .check: return "check"
        case .training: return "training"
        case .summary: return "summary"
        }
    }

    /// A file-name-safe name for a node: its name, else its operation.
    static func slug(node: NodeID, figure: Figure) -> String {
        let graph = figure.graph
        guard node.index < graph.nodes.count else { return "node\(node.index)" }
        let n = graph[node]
        var words: [String] = []
        if let name = n.name { words.append(name) }
        if let op = n.operation, n.name == nil { words.append(opWord(op)) ; words.append(String(node.index)) }
        let raw = words.joined(separator: "-")
        var out = ""
        for ch in raw.unicodeScalars {
            if ch.isASCII, ch.properties.isAlphabetic || ("0"..."9").contains(ch) || ch == "_" || ch == "-" {
                out.unicodeScalars.append(ch)
            } else if !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        while out.hasPrefix("-") { out.removeFirst() }
        return out.isEmpty ? "node\(node.index)" : String(out.prefix(40))
    }

    static func opWord(_ op: ChainRule.Operation) -> String {
        switch op.scriptName {
        case "+": return "add"
        case "-": return op.arity == 1 ? "neg" : "sub"
        case "*": return "mul"
        case "/": return "div"
        case "^": return "pow"
        case "@": return "matmul"
        case "=": return "copy"
        default: return op.scriptName
        }
    }

    func slide(for step: LessonStep, svg: [UInt8], training: TrainingResult?) -> Slideshow.Slide {
        let pass: String
        let kicker: String
        let steps = lesson.steps
        switch step.kind {
        case .overview:
            pass = "overview"; kicker = "Overview"
        case .forward:
            pass = "forward"
            let all = steps.filter { $0.section == step.section && { if case .forward = $0.kind { true } else { false } }($0) }
            let k = (all.firstIndex { $0.number == step.number } ?? 0) + 1
            kicker = "Forward pass · \(k) of \(all.count)"
        case .seed:
            pass = "backward"; kicker = "Backward pass · the seed"
        case .backward:
            pass = "backward"
            let all = steps.filter { $0.section == step.section && { if case .backward = $0.kind { true } else { false } }($0) }
            let k = (all.firstIndex { $0.number == step.number } ?? 0) + 1
            kicker = "Backward pass · \(k) of \(all.count)"
        case .check:
            pass = "check"; kicker = "Gradient check"
        case .training:
            pass = "training"; kicker = "Training"
        case .summary:
            pass = "summary"; kicker = "Summary"
        }
        var heading = step.title
        // "forward · price = apple × n" → "price = apple × n": the kicker says the pass.
        if let dot = heading.range(of: " · ") { heading = String(heading[dot.upperBound...]) }
        if let first = heading.first, first.isLowercase, heading.first(where: { $0 == "=" || $0 == "∂" }) == nil {
            heading = first.uppercased() + heading.dropFirst()
        }
        let notes = step.notes
        var prose = step.prose ?? ""
        if !step.table.isEmpty {
            prose += (prose.isEmpty ? "" : "\n\n") + "```\n" + step.table.joined(separator: "\n") + "\n```"
        }
        if case .training = step.kind, let training {
            let lines = training.reports.map(\.line)
            if !lines.isEmpty { prose += (prose.isEmpty ? "" : "\n\n") + "```\n" + lines.joined(separator: "\n") + "\n```" }
        }
        let label = "\(lesson.title), step \(step.number): \(heading)"
        let figure = svg.isEmpty ? "" : ExportSVG.inline(svg, idPrefix: "s\(step.number)-", label: label)
        let quiz = step.answer.map { answer in
            Slideshow.Quiz(answer: answer.scalars, hint: step.hint ?? "look at the equation again",
                           shown: LessonFormat.tensor(answer, maxItems: 8, maxRows: 6))
        }
        return Slideshow.Slide(pass: pass, kicker: kicker, heading: heading, equations: step.equations,
                               prose: prose, notes: notes, question: step.question, quiz: step.question == nil ? nil : quiz,
                               figure: figure, figureLabel: label, shortName: heading)
    }
}
