import ChainRuleExport
import ChainRuleLessons
import ChainRuleRender
import Foundation

/// A lesson the server may show: its id, number and title for the list,
/// and how to build it.
package struct ServedLesson: Sendable {
    package let id: String
    package let number: Int?
    package let title: String
    /// Builds the lesson (reading its file now, so edits show on the next first view).
    package let load: @Sendable () throws -> Lesson

    package init(id: String, number: Int?, title: String, load: @escaping @Sendable () throws -> Lesson) {
        self.id = id
        self.number = number
        self.title = title
        self.load = load
    }

    /// A lesson file on disk. Its `> data` files are read only from inside
    /// `root` (symlinks followed): a link out of the lesson's folder is
    /// treated as a missing file.
    package static func file(path: String, root: String, id: String? = nil) -> ServedLesson {
        let name = (path as NSString).lastPathComponent
        let (fileID, number) = Lesson.idAndNumber(fileName: name)
        let text = FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) } ?? ""
        let title = LessonDocument.title(ofMarkdown: TerminalText.inert(text)) ?? "(no title)"
        return ServedLesson(id: id ?? fileID, number: number, title: title) {
            guard let data = FileManager.default.contents(atPath: path), let markdown = String(data: data, encoding: .utf8) else {
                throw LessonError(fileName: path, line: 1, column: 1, message: "cannot read the lesson file (or it is not UTF-8)", sourceLine: "")
            }
            let directory = (path as NSString).deletingLastPathComponent
            return try Lesson(markdown: markdown, fileName: path, directory: directory.isEmpty ? "." : directory) { relative in
                let full = ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(relative)
                guard ServeSecurity.isInside(full, root: root), let data = FileManager.default.contents(atPath: full) else { return nil }
                return (data, full)
            }
        }
    }
}

/// The served lessons: each exported on its first view, exactly as
/// `chainrule export` writes it (`LessonExporter`, SVG only), in memory
/// (nothing is written to disk), and kept: the slideshow page and the
/// files beside it (finished figures, worksheets).
package actor ServeLessons {
    /// The lessons, in the order of the list.
    package let lessons: [ServedLesson]
    let theme: FigureTheme
    private var cache: [String: Exported] = [:]

    /// One lesson's export, in memory.
    package struct Exported: Sendable {
        /// The slideshow page as the export wrote it.
        package let html: String
        /// Slides in the slideshow (the presenter may go to 1…slides).
        package let slides: Int
        /// Files beside the slideshow, by name (`backward.svg`).
        package let files: [String: [UInt8]]
    }

    package init(lessons: [ServedLesson], theme: FigureTheme = .light) {
        self.lessons = lessons
        self.theme = theme
    }

    package func lesson(_ id: String) -> ServedLesson? { lessons.first { $0.id == id } }

    /// The export of lesson `id` (made on first use), or a message saying why it failed.
    package func exported(_ id: String) -> Result<Exported, ServeFailure>? {
        if let done = cache[id] { return .success(done) }
        guard let served = lesson(id) else { return nil }
        let lesson: Lesson
        do { lesson = try served.load() } catch let error as LessonError {
            return .failure(ServeFailure(message: error.rendered))
        } catch {
            return .failure(ServeFailure(message: "\(error)"))
        }
        do throws(ExportError) {
            var options = ExportOptions(directory: URL(fileURLWithPath: "/nonexistent/chainrule-serve"), theme: theme, formats: [.svg], progress: false)
            options.inMemory = true
            let summary = try LessonExporter(options: options).export([lesson])
            guard let result = summary.lessons.first, let page = summary.memoryFiles[result.slideshow] else {
                return .failure(ServeFailure(message: "\(served.id): the export wrote no slideshow"))
            }
            var files: [String: [UInt8]] = [:]
            for (path, bytes) in summary.memoryFiles {
                let parts = path.split(separator: "/")
                guard parts.count == 2, parts[0] == result.id else { continue }
                let name = String(parts[1])
                if !name.hasPrefix(".") && name != "index.html" && (name.hasSuffix(".svg") || name.hasSuffix(".pdf") || name.hasSuffix(".png")) {
                    files[name] = bytes
                }
            }
            let html = String(decoding: page, as: UTF8.self)
            let slides = html.components(separatedBy: "<section class=\"slide ").count - 1
            let done = Exported(html: html, slides: slides, files: files)
            cache[id] = done
            return .success(done)
        } catch {
            return .failure(ServeFailure(message: "\(served.id): \(error.message)"))
        }
    }
}

/// Why a page could not be made: shown on the page, escaped.
package struct ServeFailure: Error, Sendable {
    package let message: String
}

/// The served slideshow: the export's page with the server's policy
/// (the export's, plus `connect-src 'self'` and the follow script's hash),
/// its "All lessons" link pointing at the server's list, and, with
/// `--present`, the follow script.
package enum ServedSlideshow {
    package static func html(_ exported: String, events: String?, drive: String?) -> String {
        var html = exported
        var hashes: [String] = []
        // The export's own script hash(es), from its policy.
        if let start = html.range(of: "<meta http-equiv=\"Content-Security-Policy\" content=\""),
           let end = html[start.upperBound...].range(of: "\">") {
            let policy = html[start.upperBound..<end.lowerBound]
            if let s = policy.range(of: "script-src ") {
                let rest = policy[s.upperBound...].prefix { $0 != ";" }
                hashes = rest.split(separator: " ").map(String.init).filter { $0.hasPrefix("'sha256-") }
            }
            let follow = events != nil || drive != nil
            if follow { hashes.append(ServePage.hash(FollowScript.script)) }
            html.replaceSubrange(start.upperBound..<end.lowerBound, with: ServeSecurity.pagePolicy(scriptHashes: hashes))
        }
        html = html.replacingOccurrences(of: "<!-- Generated by chainrule export. It may overwrite this file; edit a copy. -->\n", with: "")
        html = html.replacingOccurrences(of: "<meta name=\"generator\" content=\"chainrule export\">", with: "<meta name=\"generator\" content=\"chainrule serve\">")
        // The export links to ../index.html; here the list is two levels up (/lesson/ID/ → /).
        html = html.replacingOccurrences(of: "class=\"home\" href=\"../index.html\"", with: "class=\"home\" href=\"../../\"")
        if events != nil || drive != nil {
            let attributes = " data-events=\"\(ExportHTML.escape(events ?? ""))\" data-drive=\"\(ExportHTML.escape(drive ?? ""))\""
            if let body = html.range(of: "<body>") { html.replaceSubrange(body, with: "<body\(attributes)>") }
            if let end = html.range(of: "</body>", options: .backwards) {
                html.replaceSubrange(end, with: "<script>\(FollowScript.script)</script>\n</body>")
            }
        }
        return html
    }

    /// The policy the page's meta tag carries (sent as a header too).
    package static func policy(of html: String) -> String {
        guard let start = html.range(of: "<meta http-equiv=\"Content-Security-Policy\" content=\""),
              let end = html[start.upperBound...].range(of: "\">") else { return ServeSecurity.dataPolicy }
        return String(html[start.upperBound..<end.lowerBound])
    }
}
