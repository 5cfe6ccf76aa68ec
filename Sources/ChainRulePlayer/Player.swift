import ChainRule
import ChainRuleLessons
import Foundation

/// Plays a lesson: every step at once (non-interactive), or one step per
/// key in a terminal. Training steps run when they are first reached and
/// stream their log; their result is kept for going back and forth.
public final class LessonPlayer {
    /// The lesson being played.
    public let lesson: Lesson
    /// Width and colour of the text.
    public var style: TextStyle
    /// Where training curves (and, with a frame writer, step frames) go.
    public var outputDirectory: URL?
    /// Called with each step index as it is shown (e.g. to write its SVG frame).
    public var onStep: ((Int) -> Void)?
    /// Training results by step index.
    public private(set) var trainingResults: [Int: TrainingResult] = [:]
    private var trainingLogs: [Int: [String]] = [:]

    /// A player of `lesson`; with `outputDirectory`, training curves are written there.
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

    /// What a screen shows besides the step: the live figure's path on the
    /// first screen (said once), e.g. `Output/apples/current.svg`.
    public var liveFigurePath: String?

    /// The key line, the longest that fits `width`.
    static func keyLine(width: Int, last: Bool) -> String {
        let options = [
            "Enter/Space/→ next · b/← back · q quit · j/k page · g go to · e explain · ? keys",
            "Enter/Space/→ next · b/← back · q quit · j/k page · e explain · ? keys",
            "Enter/Space/→ next · b/← back · q quit · ? keys",
            "Enter next · b back · q quit · ? keys",
        ]
        let prefix = last ? "end · " : ""
        return options.first { prefix.count + $0.count <= width }.map { prefix + $0 } ?? String(options.last!.prefix(width))
    }

    /// Every key, for `?`.
    static let keyHelp = [
        "Keys",
        "",
        "  Enter, Space, →, n     next step (past the last one ends the lesson)",
        "  b, ←, p, Backspace     previous step",
        "  j, PgDn  /  k, PgUp    a page down / up (a step longer than the screen)",
        "  ↓ / ↑                  a line down / up",
        "  Home / End             first / last step",
        "  g N Enter              go to step N",
        "  e                      explain the operation: formula, local derivative",
        "  ?                      these keys",
        "  q, Ctrl-C              quit",
        "",
        "Any key goes back to the step.",
    ]

    /// The `e` text for a step: its operation's name, forward formula and
    /// local derivative, or why there is none.
    public func explanation(ofStep index: Int) -> [String] {
        StepExplanation.lines(lesson, step: index)
    }

    /// Plays in a terminal: Enter/Space/→ next, b/← back, paging, Home/End,
    /// `g` N, `?`, `e`, q quit. The header (lesson, title, `step k/n`) and
    /// the key line stay on screen at any size from 60×20; a step longer
    /// than the screen is paged with a marker for what is below. Redraws on
    /// resize. The terminal is restored however this returns (or throws).
    public func playInteractive(terminal: RawTerminal) throws {
        guard terminal.enableRawMode() else {
            try playAll(write: terminal.write)
            return
        }
        defer {
            terminal.write("\u{1B}[?25h\u{1B}[?1049l")
            terminal.restore()
        }
        terminal.watchResize()
        // The alternate screen: the shell's scrollback is left as it was.
        terminal.write("\u{1B}[?1049h\u{1B}[?25l")
        var index = 0
        var offset = 0
        var shownIndex = -1
        var overlay: [String]? = nil      // `?` or `e` text in place of the body
        var prompt: String? = nil         // the step number being typed after `g`
        var notice = liveFigurePath.map { "The figure of the step on screen is written to \($0) (open it in a browser; it follows along)." }
        var liveLog: [String]? = nil

        func screenSize() -> (columns: Int, rows: Int) {
            let size = terminal.size ?? (80, 24)
            return (max(20, size.columns), max(8, size.rows))
        }
        func draw() {
            let (columns, rows) = screenSize()
            style.width = columns
            let header = StepView.header(lesson, step: index, style: style)
            var body: [String]
            if let overlay {
                body = [""] + overlay.flatMap { TerminalWrap.wrap($0, width: columns, indent: String($0.prefix { $0 == " " }) + "    ") }
            } else {
                body = StepView.body(lesson, step: index, style: style, extra: liveLog ?? trainingLogs[index] ?? [])
                if let notice { body = [""] + TerminalWrap.wrap(style.dim(notice), width: columns, indent: "") + body }
            }
            let room = max(1, rows - header.count - 2)
            let maxOffset = max(0, body.count - room)
            if liveLog != nil { offset = maxOffset }     // training: follow the log
            offset = min(max(0, offset), maxOffset)
            let visible = Array(body[offset..<min(body.count, offset + room)])
            var marker = ""
            if let prompt {
                marker = style.focus("go to step (1–\(lesson.steps.count)): \(prompt)_") + style.dim("   Enter go · Esc cancel")
            } else if offset + room < body.count {
                marker = "▼ more below: j/PgDn (lines \(offset + 1)–\(offset + visible.count) of \(body.count))"
                marker = style.focus(TerminalWrap.clip(marker, width: columns))
            } else if offset > 0 {
                marker = style.dim(TerminalWrap.clip("▲ more above: k/PgUp · end of this step", width: columns))
            }
            let last = index == lesson.steps.count - 1
            var frame = "\u{1B}[H\u{1B}[2J"
            let lines = header + visible + Array(repeating: "", count: room - visible.count)
            frame += lines.map { TerminalWrap.clip($0, width: columns) }.joined(separator: "\r\n")
            frame += "\r\n" + marker + "\r\n" + style.dim(Self.keyLine(width: columns, last: last && overlay == nil))
            terminal.write(frame)
        }

        while true {
            if index != shownIndex {
                onStep?(index)
                if shownIndex >= 0 { notice = nil }
                shownIndex = index
                offset = 0
            }
            if lesson.steps[index].training != nil && trainingResults[index] == nil {
                liveLog = []
                draw()
                try runTraining(step: index) { line in
                    liveLog?.append(line)
                    draw()
                }
                liveLog = nil
            }
            draw()
            let (_, rows) = screenSize()
            let page = max(1, rows - 3 - 2 - 1)
            let key = terminal.readKey()
            if prompt != nil {
                switch key {
                case .digit(let d): if prompt!.count < 6 { prompt! += String(d) }
                case .erase: prompt!.removeLast(prompt!.isEmpty ? 0 : 1)
                case .next:
                    if let n = Int(prompt!), n >= 1 { index = min(n, lesson.steps.count) - 1 }
                    prompt = nil
                case .resize: break
                case .quit: terminal.write("\n"); return
                default: prompt = nil
                }
                continue
            }
            if overlay != nil, key != .resize, key != .quit {
                overlay = nil
                continue
            }
            let last = index == lesson.steps.count - 1
            switch key {
            case .next:
                if last { return }
                index += 1
            case .back, .erase: index = max(0, index - 1)
            case .quit: return
            case .pageDown: offset += page
            case .pageUp: offset -= page
            case .lineDown: offset += 1
            case .lineUp: offset -= 1
            case .first: index = 0
            case .last: index = lesson.steps.count - 1
            case .goTo: prompt = ""
            case .help: overlay = Self.keyHelp; offset = 0
            case .explain: overlay = explanation(ofStep: index); offset = 0
            case .resize, .other, .digit, .escape: continue
            }
        }
    }
}
