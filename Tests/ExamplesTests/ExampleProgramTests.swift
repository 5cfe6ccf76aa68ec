import Foundation
import Testing

/// Runs the example programs of `Examples/` (the README's Swift code) and
/// checks what they print and write. Each runs in a temporary folder.
@Suite struct ExampleProgramTests {
    @Test func firstGraphPrintsTheApplesGradients() throws {
        let program = try #require(builtProgram("first-graph"), "build the examples first")
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try run(program, [], in: folder)
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        // The values the README's comments promise.
        #expect(lines.count == 4)
        #expect(lines.first == "220.00000000000003")
        #expect(lines.dropFirst().first == "2.2")
        // Into total: ∂total/∂price = tax = 1.1 and ∂total/∂tax = price = 200.
        #expect(lines.dropFirst(2).contains { $0.hasPrefix("price ") && $0.contains("1.1") })
        #expect(lines.dropFirst(2).contains { $0.hasPrefix("tax ") && $0.contains("200") })
    }

    @Test func runScriptPrintsGradientsAndADiagnostic() throws {
        let program = try #require(builtProgram("run-script"))
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try run(program, [], in: folder)
        #expect(r.status == 0, "\(r.err)")
        // y = relu(w·x + b) = 6: ∂y/∂x = w, ∂y/∂w = x, ∂y/∂b = 1.
        #expect(r.out.hasPrefix("""
            x = [1.0, -2.0, 3.0]   gradient: [-3.0, -1.0, 2.0]
            w = [-3.0, -1.0, 2.0]   gradient: [1.0, -2.0, 3.0]
            b = 1.0   gradient: 1.0
            y = 6.0   gradient: 1.0
            bad.graph:3:7: error: cannot multiply shapes (2, 3) and (2,)
              y = W * x
                    ^

            """), "\(r.out)")
    }

    @Test func lessonLoadsPlaysAndExports() throws {
        let program = try #require(builtProgram("lesson"))
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try run(program, ["exported"], in: folder)
        #expect(r.status == 0, "\(r.err)")
        // Graph, two forward steps, the seed, and one backward step per edge into 4 leaves' paths.
        #expect(r.out.hasPrefix("Two apples and a tax: 8 steps\n"), "\(r.out)")
        #expect(r.out.contains("1.1 × 2 = 2.2"), "\(r.out)")  // ∂total/∂apple
        #expect(r.out.contains("played: "))
        let slideshow = folder.appendingPathComponent("exported/apples/index.html")
        #expect(FileManager.default.fileExists(atPath: slideshow.path))
        #expect(r.out.contains("exported 8 frames"), "\(r.out)")
    }

    @Test func drawGraphWritesAnSVG() throws {
        let program = try #require(builtProgram("draw-graph"))
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let toFile = try run(program, ["neuron.svg"], in: folder)
        #expect(toFile.status == 0, "\(toFile.err)")
        // relu(w·x + b) = relu(3 + 2 + 6 + 1) = 6 > 0, so ∂y/∂w = x = [1, -2, 3].
        #expect(toFile.out.hasPrefix("y = 6"), "\(toFile.out)")
        let svg = try String(contentsOf: folder.appendingPathComponent("neuron.svg"), encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("</svg>"))
        let toStandardOutput = try run(program, [], in: folder)
        #expect(toStandardOutput.status == 0)
        #expect(toStandardOutput.out == svg)  // deterministic: the same bytes twice
    }

    @Test func stepFramesWritesOneFramePerBackwardEdge() throws {
        let program = try #require(builtProgram("step-frames"))
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try run(program, ["frames"], in: folder)
        #expect(r.status == 0, "\(r.err)")
        let steps = r.out.split(separator: "\n").filter { $0.hasPrefix("step ") }
        // z = (x + y) · y: edges x→+, y→+, s→×, y→×.
        #expect(steps.count == 4, "\(r.out)")
        let frames = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("frames").path)
        #expect(frames.sorted() == ["step-1.svg", "step-2.svg", "step-3.svg", "step-4.svg"])
        // ∂z/∂y = s + y = 5 + 3 = 8, contributed along two edges: 5 (through ×) and 3 (through +).
        #expect(r.out.contains("∂z/∂y += 5") && r.out.contains("∂z/∂y += 3"), "\(r.out)")
        #expect(r.out.contains("frames/: 4 steps"))
    }
}
