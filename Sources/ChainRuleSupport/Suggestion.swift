/// The one "did you mean" of the project: for an unknown name, the known
/// name it most likely is a typo of.
package enum Suggestion {
    /// The candidate closest to `name`, if it is close enough to be a likely
    /// typo: at most one edit for names of up to 4 characters, two edits for
    /// longer ones, compared case-insensitively; ties go to the first in
    /// sorted order. Names over 64 bytes are never compared.
    package static func nearest(to name: String, in candidates: some Sequence<String>) -> String? {
        guard name.utf8.count <= 64 else { return nil }
        var best: (String, Int)? = nil
        for candidate in candidates where candidate != name && candidate.utf8.count <= 64 {
            let d = editDistance(name.lowercased(), candidate.lowercased())
            let limit = max(name.count, candidate.count) <= 4 ? 1 : 2
            guard d <= limit, d < max(name.count, candidate.count) else { continue }
            if best == nil || d < best!.1 || (d == best!.1 && candidate < best!.0) { best = (candidate, d) }
        }
        return best?.0
    }

    /// `"did you mean 'x'?"` for the nearest candidate, or `nil`.
    package static func note(for name: String, in candidates: some Sequence<String>) -> String? {
        nearest(to: name, in: candidates).map { "did you mean '\($0)'?" }
    }

    /// Levenshtein distance between two strings, in characters.
    package static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                row[j] = Swift.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &row)
        }
        return previous[b.count]
    }
}
