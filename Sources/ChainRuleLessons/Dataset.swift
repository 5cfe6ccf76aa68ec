import ChainRule
import Foundation

/// Rows of a CSV file split into features and an integer class label, then
/// shuffled (seeded) and split into training and test rows.
package struct Dataset: Sendable {
    /// The file as named in the lesson.
    package let file: String
    /// Feature column names, in order.
    package let featureNames: [String]
    package let labelName: String
    /// Every row's features (already scaled), row-major.
    package let features: [Double]
    package let labels: [Int]
    /// Row indices of the training and test rows.
    package let train: [Int]
    package let test: [Int]

    package var featureCount: Int { featureNames.count }
    package var classCount: Int { (labels.max() ?? 0) + 1 }
    package var rowCount: Int { labels.count }

    /// Features and labels of the given rows as tensors `(n, features)` and `(n,)`.
    package func batch(_ rows: some Collection<Int>) -> (x: Tensor, t: Tensor) {
        var xs: [Double] = []
        xs.reserveCapacity(rows.count * featureCount)
        var ts: [Double] = []
        ts.reserveCapacity(rows.count)
        for r in rows {
            xs.append(contentsOf: features[(r * featureCount)..<((r + 1) * featureCount)])
            ts.append(Double(labels[r]))
        }
        return (Tensor(shape: [rows.count, featureCount], scalars: xs), Tensor(shape: [rows.count], scalars: ts))
    }

    /// A problem with the CSV text, at a 1-based line and column of the CSV file.
    package struct LoadError: Error { public let line: Int; public let message: String }

    /// Parses CSV text with a header row. Every column except `label` is a feature.
    /// Parses CSV text with a header row. The features are the columns from
    /// `features.first` through `features.last` (inclusive, in header order),
    /// or every column except `label` when `features` is `nil`.
    package init(csv: String, file: String, label: String, features range: (first: String, last: String)?,
                scale: Double, trainFraction: Double, seed: UInt64) throws(LoadError) {
        try self.init(csv: csv, file: file, label: label, scale: scale, trainFraction: trainFraction, seed: seed, range: range)
    }

    package init(csv: String, file: String, label: String, scale: Double, trainFraction: Double, seed: UInt64) throws(LoadError) {
        try self.init(csv: csv, file: file, label: label, scale: scale, trainFraction: trainFraction, seed: seed, range: nil)
    }

    private init(csv: String, file: String, label: String, scale: Double, trainFraction: Double, seed: UInt64,
                 range: (first: String, last: String)?) throws(LoadError) {
        var lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        lines.removeAll { $0.allSatisfy(\.isWhitespace) }
        guard let header = lines.first else { throw LoadError(line: 1, message: "the file is empty") }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map { String($0.trimmingWhitespace()) }
        guard let labelIndex = names.firstIndex(of: label) else {
            throw LoadError(line: 1, message: "no column named '\(label)' (columns: \(names.prefix(4).joined(separator: ", "))\(names.count > 4 ? ", …" : ""))")
        }
        var isFeature = names.indices.map { $0 != labelIndex }
        if let range {
            guard let a = names.firstIndex(of: range.first) else { throw LoadError(line: 1, message: "no column named '\(range.first)'") }
            guard let b = names.firstIndex(of: range.last), b >= a else {
                throw LoadError(line: 1, message: "no column named '\(range.last)' after '\(range.first)'")
            }
            guard !(a...b).contains(labelIndex) else { throw LoadError(line: 1, message: "the label column '\(label)' is inside the feature columns") }
            isFeature = names.indices.map { (a...b).contains($0) }
        }
        var features: [Double] = []
        var labels: [Int] = []
        features.reserveCapacity((lines.count - 1) * (names.count - 1))
        for (i, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == names.count else {
                throw LoadError(line: i + 2, message: "row has \(cells.count) columns, the header has \(names.count)")
            }
            for (j, cell) in cells.enumerated() {
                guard let v = Double(cell.trimmingWhitespace()) else {
                    throw LoadError(line: i + 2, message: "'\(cell)' in column '\(names[j])' is not a number")
                }
                if j == labelIndex {
                    guard v >= 0, v == v.rounded(), v < 1_000_000 else {
                        throw LoadError(line: i + 2, message: "label '\(cell)' is not a class number 0, 1, 2, …")
                    }
                    labels.append(Int(v))
                } else if isFeature[j] {
                    features.append(v * scale)
                }
            }
        }
        guard !labels.isEmpty else { throw LoadError(line: 2, message: "the file has a header but no rows") }
        var order = Array(labels.indices)
        var rng = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        order.shuffle(using: &rng)
        let nTrain = min(max(Int((Double(order.count) * trainFraction).rounded()), 1), order.count)
        self.file = file
        self.featureNames = names.enumerated().filter { isFeature[$0.offset] }.map(\.element)
        self.labelName = label
        self.features = features
        self.labels = labels
        self.train = Array(order[..<nTrain])
        self.test = Array(order[nTrain...])
    }
}

