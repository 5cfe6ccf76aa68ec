import ChainRuleLessons
import ChainRuleRender
import Foundation

// Worksheets of an export: one printable sheet per graph (`WorksheetPage`),
// titled with the lesson, on the export's paper, with its answer key.
//
// A lesson exported alone on a machine with more than one processor has its
// worksheets drawn by a worker process of this program (they need no other
// part of the export, and are about a third of its work) while this process
// draws the frames and figures (`ExportOptions.worksheetWorkerCommand`). The
// worker sends the files' bytes back (`WorksheetFiles`); this process writes
// them, so the files, the manifest and the order of writes are as before.
// Meanwhile the export queues the files it makes after the frames
// (`LessonExport.queued`) and makes the slideshow; it waits for the worker
// only then, and writes the queue in order.
extension LessonExport {
    /// The worksheet of graph section `index`.
    func worksheetPage(_ index: Int) throws(ExportError) -> WorksheetPage {
        let section = lesson.sections[index]
        var title = lesson.title
        if lesson.sections.count > 1 { title += " (graph \(index + 1) of \(lesson.sections.count))" }
        var figureOptions = FigureOptions(theme: options.theme)
        figureOptions.localDerivatives = options.localDerivatives
        do {
            return try WorksheetPage(section.backward, options: figureOptions, title: title, paper: options.paper)
        } catch {
            throw fail("the worksheet of graph \(index + 1)", error)
        }
    }

    /// The file names of section `index`'s worksheet and answer key in `format`.
    func worksheetNames(_ index: Int, _ format: GraphvizFormat) -> (sheet: String, key: String) {
        let suffix = lesson.sections.count == 1 ? "" : "-\(index + 1)"
        return ("worksheet\(suffix).\(format.rawValue)", "worksheet\(suffix)-answers.\(format.rawValue)")
    }

    /// Section `index`'s worksheet and answer key in every figure format,
    /// by file name: from the worksheet worker when it drew them, else drawn here.
    func worksheetFiles(_ index: Int) throws(ExportError) -> [String: [UInt8]] {
        if let worker = worksheetWorker {
            worksheetWorker = nil
            workerWorksheets = WorksheetFiles.collect(worker)
        }
        var files: [String: [UInt8]] = [:]
        var missing: [GraphvizFormat] = []
        for format in options.figureFormats {
            let names = worksheetNames(index, format)
            if let a = workerWorksheets[names.sheet], let b = workerWorksheets[names.key] {
                renders += 2
                files[names.sheet] = a
                files[names.key] = b
            } else {
                missing.append(format)
            }
        }
        guard !missing.isEmpty else { return files }
        let sheet = try worksheetPage(index)
        for answerKey in [false, true] {
            let drawn = try render(sheet, answerKey: answerKey, missing)
            for (format, bytes) in zip(missing, drawn) {
                let names = worksheetNames(index, format)
                files[answerKey ? names.key : names.sheet] = bytes
            }
        }
        return files
    }

    /// Writes section `index`'s worksheet or answer key `name` in `format`;
    /// while files are queued, only its place in the queue.
    func writeWorksheet(_ index: Int, _ name: String, _ format: GraphvizFormat) throws(ExportError) {
        if queued != nil { queued!.append(.worksheet(index, name, format)); return }
        if sectionWorksheets[index] == nil { sectionWorksheets[index] = try worksheetFiles(index) }
        try write(sectionWorksheets[index]![name]!, name, format)
    }

    /// Writes the queued files in order, the worksheets taken from the worker
    /// (waiting for it here), and writes at once from then on.
    func writeQueued() throws(ExportError) {
        guard let files = queued else { return }
        queued = nil
        for file in files {
            switch file {
            case .file(let bytes, let name): try store.write(bytes, to: folder + "/" + name)
            case .worksheet(let index, let name, let format): try writeWorksheet(index, name, format)
            }
        }
    }

    /// The worksheet or its answer key in each of `formats` (SVG and PDF from one layout).
    func render(_ sheet: WorksheetPage, answerKey: Bool, _ formats: [GraphvizFormat]) throws(ExportError) -> [[UInt8]] {
        renders += formats.count
        do { return try sheet.render(answerKey: answerKey, formats: formats) } catch {
            throw fail(answerKey ? "the answer key" : "the worksheet", error)
        }
    }
}

/// A file an export writes once its worksheet worker's sheets are in.
enum QueuedFile {
    /// Bytes ready to write, and the file's name in the lesson's folder.
    case file([UInt8], String)
    /// Section `index`'s worksheet or answer key of that name, in that format.
    case worksheet(Int, String, GraphvizFormat)
}

/// The worksheets of one lesson as a worker process sends them: a header
/// line, then per file its name, its length and its bytes.
enum WorksheetFiles {
    static let header = "chainrule-worksheets 1\n"

    /// Every worksheet and answer key of `lesson`, in every figure format, framed.
    static func render(_ lesson: Lesson, options: ExportOptions) throws(ExportError) -> [UInt8] {
        let store = ExportFileStore(root: options.directory, inMemory: true)
        let export = try LessonExport(lesson: lesson, options: options, store: store,
                                      progress: ExportProgress(total: 0, enabled: false))
        var out = Array(header.utf8)
        for index in lesson.sections.indices {
            let files = try export.worksheetFiles(index)
            for name in files.keys.sorted() {
                out += Array("\(name)\n\(files[name]!.count)\n".utf8)
                out += files[name]!
            }
        }
        return out
    }

    /// The files framed in `bytes` (nil when they are not a complete, well-formed report).
    static func parse(_ bytes: [UInt8]) -> [String: [UInt8]]? {
        let head = Array(header.utf8)
        guard bytes.starts(with: head) else { return nil }
        var files: [String: [UInt8]] = [:]
        var at = head.count
        func line() -> String? {
            guard let nl = bytes[at...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            defer { at = nl + 1 }
            return String(decoding: bytes[at..<nl], as: UTF8.self)
        }
        while at < bytes.count {
            guard let name = line(), !name.isEmpty, !name.contains("/"),
                  let count = line().flatMap({ Int($0) }), count >= 0, count <= bytes.count - at else { return nil }
            files[name] = Array(bytes[at..<(at + count)])
            at += count
        }
        return files
    }

    /// Waits for the worker: its files, or none when it failed (they are then drawn here).
    static func collect(_ worker: WorkerProcess) -> [String: [UInt8]] {
        let (status, output, _) = worker.waitBytes()
        guard status == 0 else { return [:] }
        return parse(output) ?? [:]
    }
}
