import ChainRuleExport
import ChainRuleLessons
import ChainRulePlayer
import Foundation

// A lesson is Markdown with a graph block (the format: Lessons/README.md).
let fence = "```"
let markdown = """
    # Two apples and a tax

    Two apples at 100 each, then 10 % tax.

    \(fence)graph
    apple = 100
    n = 2
    price = apple * n
    tax = 1.1
    total = price * tax
    \(fence)
    """
let lesson = try Lesson(markdown: markdown, fileName: "01-apples.md")
print("\(lesson.title): \(lesson.steps.count) steps")
for step in lesson.steps {
    print("  \(step.number). \(step.title)", step.equations.first.map { ": \($0)" } ?? "")
}

// Every step as text, as `chainrule lesson --no-pause` prints it.
let player = LessonPlayer(lesson: lesson, style: TextStyle(color: false, width: 80))
var text = ""
try player.playAll { text += $0 }
print("played: \(text.split(separator: "\n").count) lines")

// The slideshow, step figures and worksheets, as `chainrule export` writes them.
let folder = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "exported", isDirectory: true)
let summary = try LessonExporter(options: ExportOptions(directory: folder, progress: false)).export([lesson])
print("exported \(summary.frames) frames, \(summary.files) files into \(folder.lastPathComponent)/")
