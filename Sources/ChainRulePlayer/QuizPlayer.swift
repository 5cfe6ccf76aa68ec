import ChainRule
import ChainRuleLessons
#if canImport(Glibc)
import Glibc
#endif

/// `chainrule lesson ID --quiz`: the lesson in a terminal, where every
/// question waits for a typed answer (a number or a small expression such
/// as `2*3` or `1-0.62`, see `QuizAnswer`). A right answer scores; a wrong
/// one gets a hint and a second try; a second wrong answer shows the
/// answer. The lesson ends with `Score: k/n`.
public struct QuizScore: Sendable, Equatable {
    /// Questions answered right.
    public var right = 0
    /// Questions asked.
    public var questions = 0
    /// `Score: k/n`.
    public var text: String { "Score: \(right)/\(questions)" }
}

extension LessonPlayer {
    /// The steps that ask a question with an answer to type.
    public var quizQuestions: [Int] {
        lesson.steps.indices.filter { lesson.steps[$0].question != nil && lesson.steps[$0].answer != nil }
    }

    /// Plays the lesson as a quiz; returns the score. Without a terminal it
    /// prints every step, as the player does, and scores nothing.
    @discardableResult
    public func playQuiz(terminal: RawTerminal) throws -> QuizScore {
        var score = QuizScore(right: 0, questions: quizQuestions.count)
        guard terminal.enableRawMode() else {
            try playAll(write: terminal.write)
            return score
        }
        defer {
            terminal.write("\u{1B}[?25h")
            terminal.restore()
        }
        var answered: Set<Int> = []
        var index = 0
        let help = "Enter/Space/→ next · b/← back · q quit"
        func finish(early: Bool) {
            terminal.write("\u{1B}[H\u{1B}[2J" + style.bold("\(lesson.title): quiz finished") + "\n\n")
            terminal.write("  " + style.bold(score.text) + "\n")
            if early { terminal.write("  " + style.dim("(\(score.questions - answered.count) question(s) not reached)") + "\n") }
            terminal.write("\n")
        }
        while true {
            if let cols = terminal.size?.columns { style.width = max(40, min(cols, 120)) }
            onStep?(index)
            let step = lesson.steps[index]
            terminal.write("\u{1B}[H\u{1B}[2J" + text(ofStep: index) + "\n")
            if step.training != nil {
                terminal.write("\n")
                try runTraining(step: index) { terminal.write("  " + $0 + "\n") }
            }
            if let answer = step.answer, step.question != nil, !answered.contains(index) {
                guard let right = askUntilDone(terminal: terminal, step: step, answer: answer) else {
                    finish(early: true); return score
                }
                answered.insert(index)
                if right { score.right += 1 }
                terminal.write("\n" + style.dim("Enter: see the step with the answer · q quit") + "\n")
                if terminal.readKey() == .quit { finish(early: true); return score }
                index += 1
                continue
            }
            let last = index == lesson.steps.count - 1
            terminal.write("\n" + style.dim(last ? "end of lesson · \(help) (next shows your score)" : help) + "\n")
            switch terminal.readKey() {
            case .next:
                if last {
                    finish(early: false)
                    terminal.write(style.dim("press any key to leave") + "\n")
                    _ = terminal.readKey()
                    return score
                }
                index += 1
            case .back: index = max(0, index - 1)
            case .quit: finish(early: true); return score
            case .first: index = 0
            case .last: index = lesson.steps.count - 1
            default: continue  // scrolling, go-to, help and explain belong to the plain player
            }
        }
    }

    /// Reads answers until one is right or two are wrong: `true` right,
    /// `false` revealed, `nil` when the learner quits (Ctrl-C, Ctrl-D, Esc).
    private func askUntilDone(terminal: RawTerminal, step: LessonStep, answer: Tensor) -> Bool? {
        var wrong = 0
        let shown = LessonFormat.tensor(answer, maxItems: 8, maxRows: 6)
        while true {
            terminal.write("\n" + style.focus("your answer") + style.dim(" (a number or e.g. 2*3") + style.dim(answer.count > 1 ? "; \(answer.count) numbers, commas between)" : ")") + ": ")
            guard let line = readAnswerLine(terminal) else { return nil }
            switch QuizAnswer.check(line, against: answer) {
            case .right:
                terminal.write(style.bold("✓ right") + ": " + shown + "\n")
                return true
            case .unreadable(let message):
                terminal.write(style.dim("? \(message); try again") + "\n")
            case .wrong:
                wrong += 1
                if wrong == 1 {
                    terminal.write(style.gradient("✗ not quite.") + " Hint: " + (step.hint ?? "look at the equation again") + "\n")
                } else {
                    terminal.write(style.gradient("✗ not quite.") + " The answer is " + style.bold(shown) + "\n")
                    return false
                }
            }
        }
    }

    /// A line typed in raw mode, echoed as it is typed (Backspace erases);
    /// `nil` on Ctrl-C, Ctrl-D, Esc or the end of input.
    private func readAnswerLine(_ terminal: RawTerminal) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = Glibc.read(terminal.input, &byte, 1)
            if n <= 0 { return nil }
            switch byte {
            case 13, 10:
                terminal.write("\n")
                return String(decoding: bytes, as: UTF8.self)
            case 3, 4, 27: return nil
            case 127, 8:
                guard !bytes.isEmpty else { continue }
                while let last = bytes.popLast(), last & 0xC0 == 0x80 {}
                terminal.write("\u{8} \u{8}")
            default:
                guard byte >= 32, bytes.count < QuizAnswer.maximumLength * 4 else { continue }
                bytes.append(byte)
                // Echo whole characters only (a multi-byte one once complete).
                if let s = String(validating: bytes.suffix(from: lastCharacterStart(bytes)), as: UTF8.self) { terminal.write(s) }
            }
        }
    }

    private func lastCharacterStart(_ bytes: [UInt8]) -> Int {
        var i = bytes.count - 1
        while i > 0, bytes[i] & 0xC0 == 0x80 { i -= 1 }
        return i
    }
}
