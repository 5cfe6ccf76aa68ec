import Foundation

/// The seed of the property tests: fixed, so a CI run is reproducible,
/// printed by every test that uses it, and replaceable with
/// `CHAINRULE_TEST_SEED=<number>` to explore other inputs or replay a failure.
public enum TestSeed {
    /// The seed used when `CHAINRULE_TEST_SEED` is not set.
    public static let fixed: UInt64 = 0x5EED_C4A1_4E00_0001

    public static let value: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["CHAINRULE_TEST_SEED"],
           let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) {
            return seed
        }
        return fixed
    }()

    /// "seed N (set CHAINRULE_TEST_SEED=N to replay)", for test output.
    public static var description: String { "seed \(value) (set CHAINRULE_TEST_SEED=\(value) to replay)" }

    /// `count` case seeds drawn from `value` (SplitMix64), after printing
    /// which base seed `test` uses.
    public static func seeds(count: Int, for test: String) -> [UInt64] {
        print("\(test): \(count) cases from \(description)")
        var state = value
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
