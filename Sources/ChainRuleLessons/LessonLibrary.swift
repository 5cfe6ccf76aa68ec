import ChainRuleSupport
import Foundation

/// The lessons `chainrule` can play: a folder of `NN-slug.md` files, or the
/// lessons built into the executable, with lookups by id, number or path.
public struct LessonLibrary: Sendable {
    /// Where the lessons come from.
    public enum Source: Sendable, Equatable {
        /// A folder on disk, and why it was chosen (`--lessons`, `$CHAINRULE_LESSONS`, `./Lessons`).
        case directory(String, reason: String)
        /// The lessons embedded in the executable at build time.
        case builtIn
    }

    /// Where the lessons come from.
    public let source: Source
    /// The `Lessons` folder (`Lessons` for the built-in lessons, used in messages).
    public let directory: String
    /// Built-in lessons: file path relative to the lessons folder → bytes.
    private let files: [String: Data]

    /// A folder of lessons.
    public init(directory: String, reason: String = "folder") {
        self.directory = directory
        self.source = .directory(directory, reason: reason)
        self.files = [:]
    }

    /// The lessons built into the executable: relative path (`01-apples.md`,
    /// `data/digits.csv`) → file bytes.
    public init(builtIn files: [String: Data]) {
        self.directory = "Lessons"
        self.source = .builtIn
        self.files = files
    }

    /// An entry of the lesson list.
    public struct Entry: Sendable, Hashable {
        /// `apples` for `01-apples.md`.
        public let id: String
        /// `1` for `01-apples.md`.
        public let number: Int?
        /// The lesson's title (its first `#` heading).
        public let title: String
        /// Path of the Markdown file (`Lessons/01-apples.md` for a built-in lesson).
        public let path: String
    }

    /// Chooses the lessons: `--lessons DIR` (`option`), else `$CHAINRULE_LESSONS`,
    /// else `./Lessons`, else the built-in lessons. A folder named by the
    /// option or the variable must exist (the error says which is missing).
    public static func locate(option: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              builtIn: [String: Data]? = nil) throws(LessonLibraryError) -> LessonLibrary {
        let fm = FileManager.default
        func isDirectory(_ path: String) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
        }
        if let option {
            guard isDirectory(option) else { throw LessonLibraryError(message: "--lessons \(option): no such folder") }
            return LessonLibrary(directory: option, reason: "--lessons")
        }
        if let env = environment["CHAINRULE_LESSONS"], !env.isEmpty {
            guard isDirectory(env) else { throw LessonLibraryError(message: "CHAINRULE_LESSONS=\(env): no such folder") }
            return LessonLibrary(directory: env, reason: "$CHAINRULE_LESSONS")
        }
        if isDirectory("Lessons") { return LessonLibrary(directory: "Lessons", reason: "./Lessons") }
        if let builtIn, !builtIn.isEmpty { return LessonLibrary(builtIn: builtIn) }
        throw LessonLibraryError(message: "no Lessons folder: looked at --lessons, $CHAINRULE_LESSONS and ./Lessons, and this chainrule has no built-in lessons")
    }

    /// One line saying where the lessons come from, for `chainrule lessons`.
    public var sourceDescription: String {
        switch source {
        case .builtIn: return "lessons: built into chainrule (override with ./Lessons, --lessons DIR or $CHAINRULE_LESSONS)"
        case .directory(let dir, let reason):
            switch reason {
            case "folder": return "lessons: \(dir)"
            case "./Lessons": return "lessons: ./Lessons (a Lessons folder here overrides the built-in lessons)"
            default: return "lessons: \(dir) (from \(reason), overriding the built-in lessons)"
            }
        }
    }

    /// The names of the lesson files, in order of their numbers.
    private func lessonFileNames() -> [String] {
        let names: [String]
        switch source {
        case .builtIn: names = files.keys.filter { !$0.contains("/") }
        case .directory: names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        }
        return names.filter { name in
            name.hasSuffix(".md") && Lesson.idAndNumber(fileName: name).number != nil
        }.sorted { a, b in
            let (na, nb) = (Lesson.idAndNumber(fileName: a).number!, Lesson.idAndNumber(fileName: b).number!)
            return na != nb ? na < nb : a < b
        }
    }

    /// The bytes of a file of the library (relative path), if it exists.
    public func contents(of relativePath: String) -> Data? {
        switch source {
        case .builtIn: return files[relativePath]
        case .directory: return FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(relativePath))
        }
    }

    /// Every `NN-slug.md` file, in order of its number.
    public func entries() -> [Entry] {
        lessonFileNames().map(entry(fileName:))
    }

    /// The entry of lesson file `name` (its title read from the file).
    func entry(fileName name: String) -> Entry {
        let path = (directory as NSString).appendingPathComponent(name)
        let text = contents(of: name).flatMap { String(data: $0, encoding: .utf8) } ?? ""
        let (id, number) = Lesson.idAndNumber(fileName: name)
        return Entry(id: id, number: number, title: LessonDocument.title(ofMarkdown: TerminalText.inert(text)) ?? "(no title)", path: path)
    }

    /// The lesson file for an id (`apples`), a number (`1`, `01`) or `nil`.
    /// Only that lesson's file is read (ids and numbers come from file names).
    public func entry(named name: String) -> Entry? {
        let n = Int(name)
        let file = lessonFileNames().first { file in
            let (id, number) = Lesson.idAndNumber(fileName: file)
            return n.map { number == $0 } ?? (id == name)
        }
        return file.map(entry(fileName:))
    }

    /// What to print for an id or number that names no lesson here: the
    /// error, the ids in use, and for a likely typo `note: did you mean 'apples'?`.
    package func unknownLessonMessage(_ name: String) -> String {
        let ids = entries().map(\.id)
        var text = "error: no lesson named '\(name)' (lessons: \(ids.joined(separator: ", ")); `chainrule lessons` lists them)\n"
        if let note = Suggestion.note(for: name, in: ids) { text += "note: \(note)\n" }
        return text
    }

    /// Reads and builds a lesson of this library; its `> data` files come
    /// from the same place (the folder, or the executable).
    public func load(_ entry: Entry) throws(LessonError) -> Lesson {
        switch source {
        case .directory: return try Lesson.load(path: entry.path)
        case .builtIn:
            let name = (entry.path as NSString).lastPathComponent
            guard let data = files[name], let text = String(data: data, encoding: .utf8) else {
                throw LessonError(fileName: entry.path, line: 1, column: 1, message: "cannot read the built-in lesson", sourceLine: "")
            }
            let files = self.files
            return try Lesson(markdown: text, fileName: entry.path, directory: "Lessons") { relative in
                files[relative].map { (data: $0, path: "Lessons/" + relative) }
            }
        }
    }
}

/// Why no lessons could be found.
public struct LessonLibraryError: Error, Sendable {
    /// A one-line reason, ready for stderr.
    public let message: String
}
