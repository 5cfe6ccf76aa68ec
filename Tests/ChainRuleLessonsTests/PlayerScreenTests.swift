import Foundation
import TestSupport
import Testing

/// The player on small terminals (issue 12.1, 13.4), driven in tmux: every
/// screen of the apples, sigmoid and two-layer-net lessons at 80×24 and
/// 60×20 keeps the title and `step k/n` in view, no line is wider than the
/// terminal, no number is split across lines; long steps page with a marker;
/// a resize redraws; `g` N, Home/End, `?` and `e` work.
@Suite(.serialized, .enabled(if: Tmux.path != nil, "tmux is not installed")) struct PlayerScreenTests {
    /// Problems with one captured screen, as messages (empty when fine).
    static func problems(_ screen: String, columns: Int, rows: Int, title: String, step: Int, of count: Int) -> [String] {
        var found: [String] = []
        var lines = screen.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }   // capture-pane ends with a newline
        if !screen.contains("step \(step)/\(count)") { found.append("no 'step \(step)/\(count)'") }
        // The title (maybe cut with … on a narrow screen) opens the first line.
        let head = lines.first ?? ""
        let shown = head.hasSuffix("…") || head.contains("… ") ? String(head.prefix { $0 != "…" }) : ""
        if !(head.contains(title) || (!shown.isEmpty && title.hasPrefix(shown.drop { !$0.isLetter }.prefix(20)))) {
            found.append("title missing from the first line: \(head)")
        }
        if lines.count > rows { found.append("\(lines.count) lines on a \(rows)-row screen") }
        for line in lines where line.count > columns { found.append("line of \(line.count) columns: \(line)") }
        // A number cut by the wrap: a line ending in a digit (or its point or
        // sign) and the next one starting with the rest of the number.
        for (a, b) in zip(lines, lines.dropFirst()) where a.count >= columns - 12 {
            guard let last = a.last, last.isNumber || last == "." || last == "−" else { continue }
            let start = b.drop { $0 == " " }
            if let first = start.first, first.isNumber || first == "." {
                found.append("number split:\n\(a)\n\(b)")
            }
        }
        return found
    }

    /// Plays `lesson` to its end at `columns`×`rows`, checking every page of every step.
    func playThrough(_ lesson: String, title: String, steps count: Int, columns: Int, rows: Int,
                     resizeAt: Int? = nil, timeout: Double = 240) throws {
        let play = try PlayerSession(["lesson", lesson], session: "screens", width: columns, height: rows)
        defer { play.close() }
        let t = play.tmux
        var size = (columns: columns, rows: rows)
        var pages = 0
        for step in 1...count {
            var screen = try t.waitFor(timeout) { $0.contains("step \(step)/\(count)") }
            if step == resizeAt {
                // Resize in the middle of the lesson: the screen is redrawn at the new size.
                size = (size.columns == 80 ? 60 : 80, size.rows == 24 ? 20 : 24)
                _ = try t("resize-window", "-t", t.session, "-x", "\(size.columns)", "-y", "\(size.rows)")
                screen = try t.waitFor(10) { s in
                    let widths = s.components(separatedBy: "\n").map(\.count)
                    return s.contains("step \(step)/\(count)") && widths.contains(size.columns) && widths.allSatisfy { $0 <= size.columns }
                }
                let rule = screen.components(separatedBy: "\n").first { $0.hasPrefix("──") } ?? ""
                #expect(rule.count == size.columns, "the rule is redrawn to the new width \(size.columns): \(rule.count)")
            }
            // Every page of the step.
            var seen = Set<String>()
            while true {
                let issues = Self.problems(screen, columns: size.columns, rows: size.rows, title: title, step: step, of: count)
                #expect(issues.isEmpty, "\(lesson) at \(size.columns)×\(size.rows), step \(step):\n\(issues.joined(separator: "\n"))\n\(screen)")
                pages += 1
                guard screen.contains("▼ more below"), !seen.contains(screen) else { break }
                seen.insert(screen)
                let before = screen
                try t.keys("j")
                screen = try t.waitFor(10) { $0 != before }
            }
            if step < count { try t.keys("Enter") }
        }
        #expect(pages > count, "long steps were paged")
        try t.keys("q")
        let end = try t.waitFor(20) { $0.contains("EXIT=") }
        #expect(end.contains("EXIT=0"))
    }

    @Test(arguments: [(80, 24), (60, 20)])
    func apples(_ columns: Int, _ rows: Int) throws {
        try playThrough("apples", title: "Buying apples: multiply and add nodes", steps: 24, columns: columns, rows: rows,
                        resizeAt: columns == 80 ? 12 : nil)
    }

    @Test(arguments: [(80, 24), (60, 20)])
    func sigmoid(_ columns: Int, _ rows: Int) throws {
        try playThrough("sigmoid", title: "Sigmoid, fused and decomposed", steps: 21, columns: columns, rows: rows,
                        resizeAt: columns == 60 ? 5 : nil)
    }

    @Test(arguments: [(80, 24), (60, 20)])
    func twoLayerNet(_ columns: Int, _ rows: Int) throws {
        try playThrough("two-layer-net", title: "A two-layer network on real handwritten digits", steps: 20,
                        columns: columns, rows: rows)
    }

    /// `g` N, End/Home, `?` and `e` (the explanation comes from the operation's definition).
    @Test func navigationAndExplain() throws {
        let play = try PlayerSession(["lesson", "apples"], session: "keys", width: 80, height: 24)
        defer { play.close() }
        let t = play.tmux
        var screen = try t.waitFor { $0.contains("step 1/24") }
        #expect(screen.contains("Output/apples/current.svg"), "the first screen says where the live figure is")
        try t.keys("g", "1", "8", "Enter")
        screen = try t.waitFor { $0.contains("step 18/24") }
        #expect(screen.contains("step 18/24"))
        #expect(!screen.contains("Output/apples/current.svg"), "said once, on the first screen only")
        try t.keys("End")
        screen = try t.waitFor { $0.contains("step 24/24") }
        #expect(screen.contains("step 24/24"))
        try t.keys("Home")
        screen = try t.waitFor { $0.contains("step 1/24") }
        #expect(screen.contains("step 1/24"))
        try t.keys("?")
        screen = try t.waitFor { $0.contains("Keys") }
        #expect(screen.contains("g N Enter") && screen.contains("Home / End") && screen.contains("PgDn"))
        try t.keys("x")
        try t.keys("Enter")
        screen = try t.waitFor { $0.contains("step 2/24") }
        try t.keys("e")
        screen = try t.waitFor { $0.contains("explain") }
        // From the operation's definition: its title, forward formula and local derivative.
        #expect(screen.contains("elementwise multiplication"), "\(screen)")
        #expect(screen.contains("forward: y = a × b"))
        #expect(screen.contains("local derivative ∂y/∂a = b"))
        #expect(screen.contains("local derivative ∂price/∂apple = n"))
        try t.keys("q")
        _ = try t.waitFor { $0.contains("EXIT=") }
    }
}
