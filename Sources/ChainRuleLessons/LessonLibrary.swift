import Foundation

/// The folder of shipped lessons and lookups by id, number or path.
public struct LessonLibrary: Sendable {
    /// The `Lessons` folder.
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// An entry of the lesson list.
    public struct Entry: Sendable, Hashable {
        public let id: String
        public let number: Int?
        public let title: String
        /// Path of the Markdown file (relative to the current directory when inside it).
        public let path: String
    }

    /// Finds the lessons folder: `./Lessons`, else a `Lessons` folder beside
    /// a `Package.swift` found walking up from the executable, else
    /// `$CHAINRULE_LESSONS`.
    public static func locate(executablePath: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> LessonLibrary? {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: "Lessons", isDirectory: &isDir), isDir.boolValue {
            return LessonLibrary(directory: "Lessons")
        }
        let exe = executablePath ?? (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
        var dir = URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" && !dir.path.isEmpty {
            let lessons = dir.appendingPathComponent("Lessons")
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: lessons.path, isDirectory: &isDir), isDir.boolValue {
                return LessonLibrary(directory: lessons.path)
            }
            dir = dir.deletingLastPathComponent()
        }
        if let env = environment["CHAINRULE_LESSONS"], !env.isEmpty,
           fm.fileExists(atPath: env, isDirectory: &isDir), isDir.boolValue {
            return LessonLibrary(directory: env)
        }
        return nil
    }

    /// Every `NN-slug.md` file, in order of its number.
    public func entries() -> [Entry] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { name in
            name.hasSuffix(".md") && Lesson.idAndNumber(fileName: name).number != nil
        }.sorted { a, b in
            let (na, nb) = (Lesson.idAndNumber(fileName: a).number!, Lesson.idAndNumber(fileName: b).number!)
            return na != nb ? na < nb : a < b
        }.map { name in
            let path = (directory as NSString).appendingPathComponent(name)
            let text = FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) } ?? ""
            let (id, number) = Lesson.idAndNumber(fileName: name)
            return Entry(id: id, number: number, title: LessonDocument.title(ofMarkdown: TerminalText.inert(text)) ?? "(no title)", path: path)
        }
    }

    /// The lesson file for an id (`apples`), a number (`1`, `01`) or `nil`.
    public func entry(named name: String) -> Entry? {
        let all = entries()
        if let n = Int(name) { return all.first { $0.number == n } }
        return all.first { $0.id == name }
    }
}
