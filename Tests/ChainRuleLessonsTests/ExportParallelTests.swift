import ChainRuleLessons
import Foundation
import Testing
@testable import ChainRuleExport

/// Lessons exported at once (`ExportOptions.jobs`, `--jobs`) write the same
/// files, byte for byte, as one lesson at a time.
@Suite struct ExportParallelTests {
    static let ids = ["apples", "chain-rule", "dezero", "affine", "softmax-with-loss"]

    /// Every file under `folder` (relative path → bytes).
    static func files(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let root = folder.standardizedFileURL.path
        let walker = FileManager.default.enumerator(atPath: root)
        while let relative = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = root + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return out
    }

    @Test func parallelExportWritesTheSerialBytes() throws {
        let lessons = try Self.ids.map { try shippedLesson($0) }
        var reference: [String: Data]?
        for jobs in [1, 2, 3] {
            let folder = exportTemporaryFolder("jobs\(jobs)")
            defer { try? FileManager.default.removeItem(at: folder) }
            var options = ExportOptions(directory: folder, progress: false)
            options.jobs = jobs
            let summary = try LessonExporter(options: options).export(lessons)
            #expect(summary.lessons.map(\.id) == Self.ids, "jobs \(jobs): results in the lessons' order")
            let files = try Self.files(folder)
            #expect(files.count > 5 * Self.ids.count)
            if let reference {
                #expect(files.keys.sorted() == reference.keys.sorted(), "jobs \(jobs)")
                for (name, bytes) in reference where files[name] != bytes {
                    Issue.record("jobs \(jobs): \(name) differs from the one-at-a-time export")
                }
            } else {
                reference = files
            }
        }
    }

    /// A lesson that cannot be exported stops the export with its error, as
    /// one at a time: lessons before it are written, none after it starts.
    @Test func theEarliestFailureIsReported() throws {
        let lessons = try Self.ids.map { try shippedLesson($0) }
        var messages: [String] = []
        for jobs in [1, 2] {
            let folder = exportTemporaryFolder("fail\(jobs)")
            defer { try? FileManager.default.removeItem(at: folder) }
            // Someone's own file where the second lesson's slideshow goes.
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("chain-rule"), withIntermediateDirectories: true)
            try Data("mine".utf8).write(to: folder.appendingPathComponent("chain-rule/index.html"))
            var options = ExportOptions(directory: folder, progress: false)
            options.jobs = jobs
            do {
                _ = try LessonExporter(options: options).export(lessons)
                Issue.record("jobs \(jobs): the export did not fail")
            } catch {
                messages.append(error.message.replacingOccurrences(of: folder.standardizedFileURL.path, with: "DIR"))
            }
            #expect(try String(contentsOf: folder.appendingPathComponent("chain-rule/index.html"), encoding: .utf8) == "mine")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("apples/index.html").path), "jobs \(jobs)")
        }
        #expect(messages.count == 2 && messages[0] == messages[1], "\(messages)")
        #expect(messages.first?.contains("refusing to overwrite") == true, "\(messages)")
    }
}
