import Foundation
import Testing

/// `chainrule export` with several jobs exports lessons in worker processes
/// of its own binary (`--worker-range`): the same files, byte for byte, as
/// one job; the summary counts every lesson's files.
@Suite struct ExportWorkerCLITests {
    /// Every file under `dir` by relative path.
    static func files(_ dir: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!
        for case let url as URL in walker where !url.hasDirectoryPath {
            files[String(url.standardizedFileURL.path.dropFirst(dir.standardizedFileURL.path.count + 1))] = try Data(contentsOf: url)
        }
        return files
    }

    @Test func workerProcessesWriteWhatOneJobWrites() throws {
        let base = try Harden.temporaryDirectory("export-workers")
        defer { try? FileManager.default.removeItem(at: base) }
        // A lesson with groups (sigmoid-neuron), one with two graphs (apples), and others.
        let lessons = ["apples", "chain-rule", "sigmoid-neuron", "fan-out"]
        var outputs: [[String: Data]] = []
        var summaries: [String] = []
        for jobs in ["1", "2", "3"] {
            let dir = base.appendingPathComponent("jobs-\(jobs)")
            let run = try Harden.run(["export"] + lessons + ["-o", dir.path, "--quiet", "--jobs", jobs])
            #expect(run.exited && run.status == 0, "\(run.stderr)")
            outputs.append(try Self.files(dir))
            summaries.append(run.stdout.replacingOccurrences(of: dir.path, with: "DIR")
                .replacingOccurrences(of: #"in [0-9.]+ s.*per frame\)"#, with: "", options: .regularExpression))
        }
        let serial = outputs[0]
        #expect(serial.count > 100)
        #expect(serial.keys.contains("index.html") && serial.keys.contains("fan-out/index.html"))
        for (k, files) in outputs.enumerated().dropFirst() {
            #expect(files.keys.sorted() == serial.keys.sorted(), "jobs \(k + 1)")
            for (name, data) in serial where files[name] != data { Issue.record("jobs \(k + 1): \(name) differs from one job's") }
            #expect(summaries[k] == summaries[0], "jobs \(k + 1): \(summaries[k])")
        }
        // No worker reports or temporary files are left in the folder.
        #expect(!serial.keys.contains { $0.contains(".tmp-") })
    }

    /// One lesson with more than one job: its worksheets are drawn by a
    /// worker process (`--worker-worksheets`) and sent back; the files are
    /// those of one job, and a second export over them is accepted.
    @Test func oneLessonsWorksheetsFromAWorkerAreTheSameFiles() throws {
        let base = try Harden.temporaryDirectory("export-worksheet-worker")
        defer { try? FileManager.default.removeItem(at: base) }
        var outputs: [[String: Data]] = []
        for jobs in ["1", "2", "2"] {
            let dir = base.appendingPathComponent("jobs-\(jobs)")
            let run = try Harden.run(["export", "apples", "-o", dir.path, "--quiet", "--jobs", jobs])
            #expect(run.exited && run.status == 0, "\(run.stderr)")
            outputs.append(try Self.files(dir))
        }
        #expect(outputs[0].keys.contains("apples/worksheet-2-answers.pdf"))
        for files in outputs.dropFirst() {
            #expect(files.keys.sorted() == outputs[0].keys.sorted())
            for (name, data) in outputs[0] where files[name] != data { Issue.record("\(name) differs from one job's") }
        }
        // The worker's own output: every worksheet and answer key, framed, and no files written.
        let dir = base.appendingPathComponent("worker")
        let worker = try Harden.run(["export", "apples", "-o", dir.path, "--worker-worksheets", "0"])
        #expect(worker.exited && worker.status == 0, "\(worker.stderr)")
        #expect(worker.stdout.hasPrefix("chainrule-worksheets 1\nworksheet-1-answers.pdf\n"))
        for name in ["worksheet-1.svg", "worksheet-2.pdf", "worksheet-2-answers.svg"] { #expect(worker.stdout.contains("\n\(name)\n")) }
        #expect(!FileManager.default.fileExists(atPath: dir.path))
    }

    @Test func aWorkersFailureIsReported() throws {
        let base = try Harden.temporaryDirectory("export-workers-fail")
        defer { try? FileManager.default.removeItem(at: base) }
        // A file the export did not write, where the second block's lesson goes: refused.
        let dir = base.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("fan-out"), withIntermediateDirectories: true)
        try Harden.write("mine", to: dir.appendingPathComponent("fan-out/index.html"))
        let run = try Harden.run(["export", "apples", "fan-out", "-o", dir.path, "--quiet", "--jobs", "2"])
        #expect(run.exited && run.status == 1)
        #expect(run.stderr.contains("refusing to overwrite") && run.stderr.contains("fan-out"), "\(run.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("fan-out/index.html"), encoding: .utf8) == "mine")
    }
}
