import ChainRule
import ChainRuleRender

/// The thresholds below which a section's numbers show as `0` (zero up to
/// rounding; the rule is `RoundingNoise`'s).
extension LessonSection {
    /// For the value of `id`.
    package func valueZero(_ id: NodeID) -> Double {
        RoundingNoise.threshold(scale: RoundingNoise.valueScale(of: id, in: forward))
    }

    /// For the gradient of `id`.
    package func gradientZero(_ id: NodeID) -> Double {
        RoundingNoise.threshold(scale: RoundingNoise.gradientScale(of: id, in: backward))
    }

    /// For the gradient along one edge.
    package func edgeZero(_ record: EdgeRecord) -> Double {
        RoundingNoise.threshold(scale: RoundingNoise.edgeScale(record, in: forward))
    }
}
