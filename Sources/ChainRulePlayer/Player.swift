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
        var screen = Screen()
        screen.notice = liveFigurePath.map { "The figure of the step on screen is written to \($0) (open it in a browser; it follows along)." }
        while true {
            if screen.index != screen.shownIndex {
                onStep?(screen.index)
                if screen.shownIndex >= 0 { screen.notice = nil }
                screen.shownIndex = screen.index
                screen.offset = 0
            }
            if lesson.steps[screen.index].training != nil && trainingResults[screen.index] == nil {
                try runTrainingLive(&screen, terminal)
            }
            draw(&screen, terminal)
            let page = max(1, Self.screenSize(terminal).rows - 3 - 2 - 1)
            let key = terminal.readKey()
            if screen.prompt != nil {
                guard typeStepNumber(key, &screen) else { terminal.write("\n"); return }
                continue
            }
            if screen.overlay != nil, key != .resize, key != .quit {
                screen.overlay = nil
                continue
            }
            guard act(on: key, &screen, page: page) else { return }
        }
    }

    /// What the interactive player shows and where it is.
    private struct Screen {
        var index = 0
        /// The first body line on screen (paging).
        var offset = 0
        /// The step last shown (its `onStep` has run).
        var shownIndex = -1
        /// `?` or `e` text in place of the body.
        var overlay: [String]? = nil
        /// The step number being typed after `g`.
        var prompt: String? = nil
        /// Said once, on the first screen (where the live figure is written).
        var notice: String? = nil
        /// A training step's log while it runs (the screen follows it).
        var liveLog: [String]? = nil
    }

    private static func screenSize(_ terminal: RawTerminal) -> (columns: Int, rows: Int) {
        let size = terminal.size ?? (80, 24)
        return (max(20, size.columns), max(8, size.rows))
    }

    /// Runs the step's training, redrawing with each line of its log.
    private func runTrainingLive(_ screen: inout Screen, _ terminal: RawTerminal) throws {
        screen.liveLog = []
        draw(&screen, terminal)
        try runTraining(step: screen.index) { line in
            screen.liveLog?.append(line)
            draw(&screen, terminal)
        }
        screen.liveLog = nil
    }

    /// Draws the whole screen: header, the visible part of the body, the paging marker and the key line.
    private func draw(_ screen: inout Screen, _ terminal: RawTerminal) {
        let (columns, rows) = Self.screenSize(terminal)
        style.width = columns
        let header = StepView.header(lesson, step: screen.index, style: style)
        let body = screenBody(screen, columns: columns)
        let room = max(1, rows - header.count - 2)
        let maxOffset = max(0, body.count - room)
        if screen.liveLog != nil { screen.offset = maxOffset }     // training: follow the log
        screen.offset = min(max(0, screen.offset), maxOffset)
        let visible = Array(body[screen.offset..<min(body.count, screen.offset + room)])
        let marker = pagingMarker(screen, shown: visible.count, of: body.count, room: room, columns: columns)
        let last = screen.index == lesson.steps.count - 1
        var frame = "\u{1B}[H\u{1B}[2J"
        let lines = header + visible + Array(repeating: "", count: room - visible.count)
        frame += lines.map { TerminalWrap.clip($0, width: columns) }.joined(separator: "\r\n")
        frame += "\r\n" + marker + "\r\n" + style.dim(Self.keyLine(width: columns, last: last && screen.overlay == nil))
        terminal.write(frame)
    }

    /// The lines under the header: the overlay, or the step (with the notice above it).
    private func screenBody(_ screen: Screen, columns: Int) -> [String] {
        if let overlay = screen.overlay {
            return [""] + overlay.flatMap { TerminalWrap.wrap($0, width: columns, indent: String($0.prefix { $0 == " " }) + "    ") }
        }
        let body = StepView.body(lesson, step: screen.index, style: style, extra: screen.liveLog ?? trainingLogs[screen.index] ?? [])
        guard let notice = screen.notice else { return body }
        return [""] + TerminalWrap.wrap(style.dim(notice), width: columns, indent: "") + body
    }

    /// The line above the keys: the `g` prompt, or what more there is above or below.
    private func pagingMarker(_ screen: Screen, shown: Int, of total: Int, room: Int, columns: Int) -> String {
        if let prompt = screen.prompt {
            return style.focus("go to step (1–\(lesson.steps.count)): \(prompt)_") + style.dim("   Enter go · Esc cancel")
        }
        if screen.offset + room < total {
            let marker = "▼ more below: j/PgDn (lines \(screen.offset + 1)–\(screen.offset + shown) of \(total))"
            return style.focus(TerminalWrap.clip(marker, width: columns))
        }
        if screen.offset > 0 {
            return style.dim(TerminalWrap.clip("▲ more above: k/PgUp · end of this step", width: columns))
        }
        return ""
    }

    /// A key while typing a step number after `g`; false to quit.
    private func typeStepNumber(_ key: PlayerKey, _ screen: inout Screen) -> Bool {
        switch key {
        case .digit(let d): if screen.prompt!.count < 6 { screen.prompt! += String(d) }
        case .erase: screen.prompt!.removeLast(screen.prompt!.isEmpty ? 0 : 1)
        case .next:
            if let n = Int(screen.prompt!), n >= 1 { screen.index = min(n, lesson.steps.count) - 1 }
            screen.prompt = nil
        case .resize: break
        case .quit: return false
        default: screen.prompt = nil
        }
        return true
    }

    /// A key on a step: move, page, open an overlay; false to quit (or past the last step).
    private func act(on key: PlayerKey, _ screen: inout Screen, page: Int) -> Bool {
        let last = screen.index == lesson.steps.count - 1
        switch key {
        case .next:
            if last { return false }
            screen.index += 1
        case .back, .erase: screen.index = max(0, screen.index - 1)
        case .quit: return false
        case .pageDown: screen.offset += page
        case .pageUp: screen.offset -= page
        case .lineDown: screen.offset += 1
        case .lineUp: screen.offset -= 1
        case .first: screen.index = 0
        case .last: screen.index = lesson.steps.count - 1
        case .goTo: screen.prompt = ""
        case .help: screen.overlay = Self.keyHelp; screen.offset = 0
        case .explain: screen.overlay = explanation(ofStep: screen.index); screen.offset = 0
        case .resize, .other, .digit, .escape: break
        }
        return true
    }
}
