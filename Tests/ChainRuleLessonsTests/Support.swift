import ChainRule
import ChainRuleLessons
import ChainRulePlayer
import Foundation
import Testing
import TestSupport

/// The package root.
let packageRoot: URL = Repository.root

/// Loads a shipped lesson by id, naming it `Lessons/NN-id.md` in messages.
func shippedLesson(_ id: String) throws -> Lesson {
    let library = LessonLibrary(directory: packageRoot.appendingPathComponent("Lessons").path)
    let entry = try #require(library.entry(named: id), "no lesson \(id)")
    return try Lesson.load(path: entry.path, fileName: "Lessons/" + (entry.path as NSString).lastPathComponent)
}

/// Plays a lesson to the end without colour, as `--no-pause` does, and returns the text.
func play(_ lesson: Lesson, outputDirectory: URL? = nil) throws -> (text: String, player: LessonPlayer) {
    let player = LessonPlayer(lesson: lesson, style: TextStyle(color: false, width: 400), outputDirectory: outputDirectory)
    var text = ""
    try player.playAll { text += $0 }
    return (text, player)
}

extension Lesson {
    /// The gradient of a named node in a section.
    func gradient(_ name: String, section: Int = 0) -> Tensor? {
        let s = sections[section]
        guard let id = s.graph.node(named: name) else { return nil }
        return s.backward.gradient(of: id)
    }

    func value(_ name: String, section: Int = 0) -> Tensor? {
        let s = sections[section]
        guard let id = s.graph.node(named: name) else { return nil }
        return s.forward.value(of: id)
    }
}

func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(1, abs(b))
}

func close(_ a: Tensor?, _ b: [Double], tolerance: Double = 1e-9) -> Bool {
    guard let a, a.count == b.count else { return false }
    return zip(a.scalars, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

/// A lesson from Markdown text, as if it were the file `name`.
func lesson(markdown: String, name: String = "Lessons/99-test.md", directory: String? = nil) throws(LessonError) -> Lesson {
    try Lesson(markdown: markdown, fileName: name, directory: directory ?? packageRoot.appendingPathComponent("Lessons").path)
}

/// The error a lesson gives, or `nil` when it builds.
func lessonError(_ markdown: String, name: String = "Lessons/99-test.md") -> LessonError? {
    do { _ = try lesson(markdown: markdown, name: name); return nil } catch { return error }
}
