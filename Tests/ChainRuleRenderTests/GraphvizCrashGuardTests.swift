import ChainRule
@testable import ChainRuleRender
import Foundation
import Testing

/// Graphviz 2.42's dot crashes (SIGSEGV in `decompose`) after a few hundred
/// layouts in one process, depending only on how many came before; see
/// `Sources/CGraphvizGuard/guard.c`. These tests do those hundreds of layouts.
/// With `CHAINRULE_GRAPHVIZ_GUARD=off` in the environment the second one
/// crashes the test process (that is how the guard was shown to work).
@Suite struct GraphvizCrashGuardTests {
    @Test func guardIsInPlaceOnLinux() {
        #if os(Linux) && arch(x86_64)
        if ProcessInfo.processInfo.environment["CHAINRULE_GRAPHVIZ_GUARD"] != "off" {
            #expect(Graphviz.crashGuard.installed)
        }
        #endif
    }

    @Test func hundredsOfLayoutsInOneProcessGiveTheSameGeometry() throws {
        // One ReLU neuron (conformance case 004): without the guard, this
        // sequence crashed in the 58th round, every time.
        let neuron = try Figure(Fixtures.script("x = [1, -2, 3]\nw = [-3, -1, 2]\nb = 1\nz = sum(x * w) + b\ny = relu(z)")).dot()
        let tiny = "digraph { a -> b }"
        let first = try Graphviz.layout(dot: neuron)
        var differing = 0
        for round in 0..<300 {
            for _ in 0..<(round % 7) { _ = try Graphviz.layout(dot: tiny) }
            if try Graphviz.layout(dot: neuron) != first { differing += 1 }
        }
        #expect(differing == 0)
        if Graphviz.crashGuard.installed {
            // About 2,000 layout passes wrap dot's 255-step mark counter many times.
            #expect(Graphviz.crashGuard.extraCalls > 0)
        }
    }
}
