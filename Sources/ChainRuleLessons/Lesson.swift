import ChainRule
import Foundation

/// One ```graph block of a lesson, evaluated.
public struct LessonSection: Sendable {
    /// The block's position among the lesson's graph blocks, from 0.
    public let index: Int
    /// The block's source.
    public let source: String
    /// The line of the Markdown file where the block's source begins.
    public let firstLine: Int
    /// The graph as played: expanded when the section has `> expand`.
    public let graph: Graph
    /// The graph as written, and for each of its nodes the node of `graph`
    /// that holds its value (identity unless expanded).
    public let written: Graph
    /// For each node of `written`, the node of `graph` that holds its value.
    public let mapping: [NodeID]
    /// Whether the section has `> expand` (fused operations shown as their primitives).
    public let expanded: Bool
    /// The node whose gradient the lesson follows (the script's last node).
    public let output: NodeID
    /// The backward pass from `output` (and through it the forward pass).
    public let backward: Backward
    /// The forward pass: every node's value.
    public var forward: Forward { backward.forward }
    /// The names the lesson shows for the nodes.
    package let labels: NodeLabels
    /// The block's own `group NAME { … }` blocks, on `graph` (mapped through
    /// `mapping` when expanded); empty when it has none. Figures box these,
    /// or the neurons and layers `Graph.inferredGroups()` finds when empty
    /// (`figureGroups`).
    public let groups: NodeGroups

    /// The groups a figure of this section boxes: the block's own, else the
    /// neurons and layers inferred from the graph's structure.
    public var figureGroups: NodeGroups { groups.isEmpty ? graph.inferredGroups() : groups }
}

/// A lesson: a Markdown file turned into steps.
public struct Lesson: Sendable {
    /// `apples` for `Lessons/01-apples.md`.
    public let id: String
    /// `1` for `Lessons/01-apples.md`.
    public let number: Int?
    /// The lesson's title, from its first `#` heading.
    public let title: String
    /// The file as the user named it (used in messages).
    public let fileName: String
    package let document: LessonDocument
    /// The evaluated graph blocks, in order.
    public let sections: [LessonSection]
    /// Every step, in playing order.
    public let steps: [LessonStep]
    /// Numbers in the prose or notes that look like a node's value or
    /// gradient but differ from it (`chainrule lint` reports them).
    public let warnings: [LessonError]

    /// The id and number encoded in a file name: `01-apples.md` → (`apples`, 1).
    package static func idAndNumber(fileName: String) -> (id: String, number: Int?) {
        var base = (fileName as NSString).lastPathComponent
        if base.hasSuffix(".md") { base.removeLast(3) }
        let digits = base.prefix { $0.isNumber }
        if !digits.isEmpty, base.dropFirst(digits.count).hasPrefix("-") {
            return (String(base.dropFirst(digits.count + 1)), Int(digits))
        }
        return (base, nil)
    }

    /// Reads and builds a lesson. `fileName` is how errors name the file
    /// (defaults to `path`). Data files are resolved relative to the lesson.
    public static func load(path: String, fileName: String? = nil) throws(LessonError) -> Lesson {
        let name = fileName ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LessonError(fileName: name, line: 1, column: 1, message: "cannot read the lesson file", sourceLine: "")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LessonError(fileName: name, line: 1, column: 1, message: "the lesson file is not valid UTF-8", sourceLine: "")
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try Lesson(markdown: text, fileName: name, directory: directory.isEmpty ? "." : directory)
    }

    /// Reads a file a lesson names (`> data FILE`), relative to the lesson:
    /// its bytes and the path to show in messages, or `nil` when missing.
    public typealias FileReader = @Sendable (String) -> (data: Data, path: String)?

    /// Builds a lesson from Markdown. `directory` is where `> data` files are
    /// looked up, unless `readFile` supplies them (built-in lessons).
    public init(markdown: String, fileName: String, directory: String = ".", readFile: FileReader? = nil) throws(LessonError) {
        // Control characters (ESC, BEL, …) become visible stand-ins before
        // anything is parsed: no lesson text can drive a terminal or break XML.
        let document = try LessonDocument(markdown: TerminalText.inert(markdown), fileName: fileName)
        let (id, number) = Lesson.idAndNumber(fileName: fileName)
        var builder = StepBuilder(document: document, directory: directory, readFile: readFile)
        try builder.build()
        self.id = id
        self.number = number
        self.title = document.title
        self.fileName = fileName
        self.document = document
        self.sections = builder.sections
        self.steps = builder.steps
        self.warnings = builder.warnings
    }
}
