import Foundation
import TestSupport
import Testing

/// The portable fuzzer (`chainrule-fuzz`) keeps every input that crashes it:
/// the input is on disk before the process dies, and replaying it crashes again.
@Suite(.enabled(if: Repository.chainruleFuzz != nil, "the chainrule-fuzz executable is not built"))
struct FuzzHarnessTests {
    @Test func aCrashingInputIsSavedBeforeTheProcessDies() throws {
        let fuzz = try #require(Repository.chainruleFuzz)
        let dir = try Repository.temporaryDirectory("fuzz-crash")
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus"), out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let seedText = "x = 2\ny = CRASHME * x\n"
        try Data(seedText.utf8).write(to: corpus.appendingPathComponent("a.graph"))
        // No backtrace: the test is about the saved file, and a backtrace takes seconds.
        let quiet = ["SWIFT_BACKTRACE": "enable=no"]
        let r = try ProcessRunner.run(fuzz, ["--runs", "50", "--seed", "3", "--crash-on", "CRASHME",
                                             "--artifact-dir", out.path, corpus.path],
                                      environment: quiet, directory: dir, timeout: 120)
        #expect(!r.exited || r.status != 0, "the deliberate crash did not happen: \(r)")
        let saved = out.appendingPathComponent("crash-seed3")
        let bytes = try #require(FileManager.default.contents(atPath: saved.path), "no crashing input saved: \(r)")
        // The corpus entries run first, unmutated: the saved input is the seed file, graph-script target.
        #expect(Array(bytes) == [0] + Array(seedText.utf8))
        #expect(r.stderr.contains("crashing input saved to \(saved.path)"), "\(r.stderr)")
        let replay = try ProcessRunner.run(fuzz, ["--crash-on", "CRASHME", "--replay", saved.path],
                                           environment: quiet, directory: dir, timeout: 120)
        #expect(!replay.exited || replay.status != 0, "replaying the saved input did not crash: \(replay)")
        // Without the marker the same input is handled (a located error): no crash.
        let clean = try ProcessRunner.run(fuzz, ["--replay", saved.path], environment: quiet, directory: dir, timeout: 120)
        #expect(clean.exited && clean.status == 0, "\(clean)")
    }
}
