import ChainRule

/// Finds numbers in a lesson's prose and notes that claim to be a node's
/// value or gradient, and reports those the engine does not produce
/// (`chainrule lint` prints them as warnings). It reads chains like
/// `z = −3 + 2 + 6 + 1 = 6`, `r ≈ 0.0996`, `∂L/∂x = 9 + 6 = 15`: the last
/// plain number of the chain is the claim. In a note, a chain that names
/// no node (`9 + 6 = 15`) is a claim about the note's node (its value on
/// a forward note, its gradient on a backward one). Numbers written with a
/// decimal point may be rounded (half a unit of their last digit).
enum NumberClaims {
    struct Finding { let offset: Int; let message: String }

    /// What a note is about.
    struct Subject { let node: NodeID; let phase: Directive.Phase }

    static func scan(_ text: String, values: SectionValues, subject: Subject? = nil) -> [Finding] {
        let chars = Array(blankInterpolations(text))
        var findings: [Finding] = []
        var k = 0
        var clauseStart = 0
        var implicitUsed = false
        while k < chars.count {
            let c = chars[k]
            if c == "=" || c == "≈" {
                // The head: the token just before the sign.
                let head = headBefore(chars, k, from: clauseStart)
                let (claim, end, signs) = chain(chars, after: k)
                // A note's own number: a chain of numbers (`9 + 6 = 15`) or a longer chain.
                let implicit = !implicitUsed && (head.isNumber || signs >= 2) ? subject : nil
                if let claim {
                    check(head: head, claim: claim, values: values, subject: implicit, into: &findings)
                }
                if head.kind == .other { implicitUsed = true }
                k = max(end, k + 1)
                clauseStart = k
                continue
            }
            if isClauseBreak(chars, k) { clauseStart = k + 1 }
            k += 1
        }
        return findings
    }

    // MARK: parsing

    enum HeadKind: Equatable { case name(String), partial(of: String, wrt: String), other }
    struct Head {
        let kind: HeadKind
        /// The token before the sign is a plain number (`6` of `9 + 6 = 15`).
        var isNumber = false
    }
    struct Claim { let text: String; let offset: Int }

    static func blankInterpolations(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { out += rest[open.lowerBound...]; return out }
            out += String(repeating: "…", count: rest.distance(from: open.lowerBound, to: close.upperBound))
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    static func isIdent(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }

    static func isClauseBreak(_ chars: [Character], _ k: Int) -> Bool {
        let c = chars[k]
        if c == "\n" || c == ";" || c == ":" || c == "!" || c == "?" { return true }
        if c == "." || c == "," {
            let next = k + 1 < chars.count ? chars[k + 1] : " "
            let prev = k > 0 ? chars[k - 1] : " "
            return !(prev.isNumber && next.isNumber) && (next == " " || next == "\n" || k + 1 == chars.count)
        }
        return false
    }

    /// The token before the sign at `k`: a name, `∂a/∂b` / `da/db`, or anything else.
    static func headBefore(_ chars: [Character], _ k: Int, from start: Int) -> Head {
        var e = k - 1
        while e >= start, chars[e] == " " || chars[e] == "`" || chars[e] == "*" { e -= 1 }
        var b = e
        while b >= start, !(chars[b] == " " || chars[b] == "`" || chars[b] == "(" || chars[b] == "*") { b -= 1 }
        guard e >= start, b < e else { return Head(kind: .other) }
        let token = String(chars[(b + 1)...e])
        if LessonNumber.parse(token) != nil { return Head(kind: .other, isNumber: true) }
        if token.allSatisfy(isIdent), let f = token.first, !f.isNumber { return Head(kind: .name(token)) }
        // ∂L/∂x or dL/dx
        for d in ["∂", "d"] where token.hasPrefix(d) {
            let parts = token.dropFirst(d.count).split(separator: "/", maxSplits: 1)
            if parts.count == 2, parts[1].hasPrefix(d) {
                let of = String(parts[0]), wrt = String(parts[1].dropFirst(d.count))
                if of.allSatisfy(isIdent), wrt.allSatisfy(isIdent), !of.isEmpty, !wrt.isEmpty { return Head(kind: .partial(of: of, wrt: wrt)) }
            }
        }
        return Head(kind: .other)
    }

    /// Reads the chain after the sign at `k`: segments separated by `=`/`≈`
    /// up to the end of the clause. Returns the last segment's leading
    /// number (when the segment is only that number, possibly followed by
    /// words) and where the chain ends.
    static func chain(_ chars: [Character], after k: Int) -> (Claim?, Int, Int) {
        var segments: [(String, Int)] = []
        var current = ""
        var currentStart = k + 1
        var depth = 0
        var j = k + 1
        while j < chars.count {
            let c = chars[j]
            if c == "[" || c == "(" { depth += 1 }
            if c == "]" || c == ")" { depth = max(0, depth - 1) }
            if depth == 0 && (c == "=" || c == "≈") {
                segments.append((current, currentStart)); current = ""; currentStart = j + 1; j += 1; continue
            }
            if depth == 0 && (isClauseBreak(chars, j) || (c == "," && chars.indices.contains(j + 1) && chars[j + 1] == " ")) { break }
            if depth == 0 && (hasWord(chars, j, " and ") || hasWord(chars, j, " so ") || hasWord(chars, j, " but ")) { break }
            current.append(c)
            j += 1
        }
        segments.append((current, currentStart))
        // The claim is the first segment that is a number followed by words
        // (`650 before tax`: the chain ends there), else the last segment.
        for (index, (segment, start)) in segments.enumerated() {
            let trimmedLeading = segment.prefix { $0 == " " || $0 == "`" || $0 == "*" }.count
            let body = String(segment.dropFirst(trimmedLeading))
            guard let claim = leadingNumber(body) else {
                if index == segments.count - 1 { return (nil, j, index + 1) }
                continue
            }
            let rest = body.dropFirst(claim.count).trimmingWhitespace()
            if !rest.isEmpty || index == segments.count - 1 {
                let end = rest.isEmpty ? j : start + trimmedLeading + claim.count
                return (Claim(text: claim, offset: start + trimmedLeading), end, index + 1)
            }
        }
        return (nil, j, segments.count)
    }

    static func hasWord(_ chars: [Character], _ j: Int, _ word: String) -> Bool {
        let w = Array(word)
        guard j + w.count <= chars.count else { return false }
        return Array(chars[j..<(j + w.count)]) == w
    }

    /// `6`, `−0.0996`, `[1, −2, 3]` at the start of `s`, when what follows
    /// is nothing, punctuation or a word (not an operator or more maths).
    static func leadingNumber(_ s: String) -> String? {
        let chars = Array(s)
        var j = 0
        if chars.first == "[" {
            guard let close = chars.firstIndex(of: "]") else { return nil }
            var end = close
            if chars.count > 1, chars[1] == "[" {
                // [[…], […]]: up to the matching outer bracket.
                var depth = 0
                end = -1
                for (i, c) in chars.enumerated() {
                    if c == "[" { depth += 1 }
                    if c == "]" { depth -= 1; if depth == 0 { end = i; break } }
                }
                guard end >= 0 else { return nil }
            }
            let literal = String(chars[0...end])
            guard LessonNumber.parseTensor(literal) != nil else { return nil }
            j = end + 1
            return followsCleanly(chars, j) ? literal : nil
        }
        if j < chars.count, chars[j] == "−" || chars[j] == "-" { j += 1 }
        let digitsStart = j
        while j < chars.count, chars[j].isASCII, chars[j].isNumber || chars[j] == "." {
            if chars[j] == ".", !(j + 1 < chars.count && chars[j + 1].isNumber) { break }
            j += 1
        }
        guard j > digitsStart else { return nil }
        if j < chars.count, chars[j] == "e" || chars[j] == "E" {
            var m = j + 1
            if m < chars.count, chars[m] == "-" || chars[m] == "+" || chars[m] == "−" { m += 1 }
            let expStart = m
            while m < chars.count, chars[m].isASCII, chars[m].isNumber { m += 1 }
            if m > expStart { j = m }
        }
        let literal = String(chars[0..<j])
        return followsCleanly(chars, j) ? literal : nil
    }

    static func followsCleanly(_ chars: [Character], _ j: Int) -> Bool {
        guard j < chars.count else { return true }
        let next = chars[j]
        if next == " " {
            // a word may follow ("650 before tax"), an operator may not ("0.2689 − 0.2")
            var m = j
            while m < chars.count, chars[m] == " " { m += 1 }
            guard m < chars.count else { return true }
            return chars[m].isLetter || chars[m] == "`"
        }
        return ".,;:)`*!?".contains(next) || next == "\n"
    }

    // MARK: checking

    static func check(head: Head, claim: Claim, values: SectionValues, subject: Subject?, into findings: inout [Finding]) {
        guard let stated = LessonNumber.parseTensor(claim.text) else { return }
        var actual: Tensor?
        var what = ""
        switch head.kind {
        case .name(let n):
            guard let id = values.node(n) else { return }
            actual = values.value(id)
            what = n
        case .partial(let of, let wrt):
            guard let out = values.graph[values.output].name, of == out, let id = values.node(wrt) else { return }
            actual = values.gradient(id)
            what = "∂\(of)/∂\(wrt)"
        case .other:
            guard let subject else { return }
            let name = values.graph[subject.node].name ?? "the node"
            if subject.phase == .forward {
                actual = values.value(subject.node); what = name
            } else {
                actual = values.gradient(subject.node)
                what = "the gradient of \(name)"
            }
        }
        guard let actual, actual.count == stated.count, actual.shape.count == stated.shape.count || actual.count == 1 else { return }
        let tolerance = LessonNumber.impliedTolerance(claim.text)
        let ok = zip(actual.scalars, stated.scalars).allSatisfy { LessonNumber.matches($0, $1, tolerance: tolerance) }
        if !ok {
            let shown = actual.rank == 0 ? LessonFormat.number(actual.scalar) : LessonFormat.tensor(actual, digits: 6)
            findings.append(Finding(offset: claim.offset,
                                    message: "'\(claim.text)' looks like \(what), but the engine gives \(shown); write {{…}} or fix the number"))
        }
    }
}
