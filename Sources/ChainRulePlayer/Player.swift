import ChainRule
import ChainRuleLessons
import Foundation

/// Plays a lesson: every step at once (non-interactive), or one step per
/// key in a terminal. Training steps run when they are first reached and
/// stream their log; their result is kept for going back and forth.
public final class LessonPlayer {
    public let lesson: Lesson
    public var style: TextStyle
    /// Where training curves (and, with a frame writer, step frames) go.
    public var outputDirectory: URL?
    /// Called with each step index as it is shown (e.g. to write its SVG frame).
    public var onStep: ((Int) -> Void)?
    /// Training results by step index.
    public private(set) var trainingResults: [Int: TrainingResult] = [:]
    private var trainingLogs: [Int: [String]] = [:]

    public init(lesson: Lesson, style: TextStyle, outputDirectory: URL? = nil) {
        self.lesson = lesson
        self.style = style
        self.outputDirectory = outputDirectory
    }

    /// The text of a step as currently known (with the training log, once run).
    public func text(ofStep index: Int) -> String {
        StepView.render(lesson, step: index, style: style, extra: trainingLogs[index] ?? [])
    }

    /// Runs a training step if it has not run yet; `progress` gets each log line.
    public func runTraining(step index: Int, progress: (String) -> Void) throws {
        guard let plan = lesson.steps[index].training, trainingResults[index] == nil else { return }
        var log: [String] = []
        let result = try plan.run(outputDirectory: outputDirectory) { line in
            log.append(line)
            progress(line)
        }
        trainingLogs[index] = log
        trainingResults[index] = result
    }

    /// Prints every step in order, separated by rules; returns normally at the end.
    public func playAll(write: (String) -> Void) throws {
        for index in lesson.steps.indices {
            onStep?(index)
            write(StepView.render(lesson, step: index, style: style) + "\n")
            if lesson.steps[index].training != nil {
                try runTraining(step: index) { write("  " + $0 + "\n") }
            }
            write("\n")
        }
        write(style.dim("end of lesson: \(lesson.title)") + "\n")
    }

    /// Plays in a terminal: Enter/Space/→ next, b/← back, q quit. The
    /// terminal is restored however this returns (or throws).
    public func playInteractive(terminal: RawTerminal) throws {
        guard terminal.enableRawMode() else {
            try playAll(write: terminal.write)
            return
        }
        defer {
            terminal.write("\u{1B}[?25h")
            terminal.restore()
        }
        var index = 0
        let help = "Enter/Space/→ next · b/← back · q quit"
        while true {
            if let cols = terminal.size?.columns { style.width = max(40, min(cols, 120)) }
            onStep?(index)
            terminal.write("\u{1B}[H\u{1B}[2J" + text(ofStep: index) + "\n")
            if lesson.steps[index].training != nil && trainingResults[index] == nil {
                terminal.write("\n")
                try runTraining(step: index) { terminal.write("  " + $0 + "\n") }
            }
            let last = index == lesson.steps.count - 1
            terminal.write("\n" + style.dim(last ? "end of lesson · \(help) (next ends)" : help) + "\n")
            switch terminal.readKey() {
            case .next:
                if last { terminal.write("\n"); return }
                index += 1
            case .back: index = max(0, index - 1)
            case .quit: terminal.write("\n"); return
            case .other: continue
            }
        }
    }
}
