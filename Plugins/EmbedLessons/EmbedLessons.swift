import Foundation
import PackagePlugin

/// Build-tool plugin: turns the files of `Lessons/` (the lessons and their
/// data) into a Swift source holding their bytes, so the `chainrule`
/// executable carries its lessons wherever it is copied or installed.
@main
struct EmbedLessons: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let lessons = context.package.directoryURL.appending(path: "Lessons")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedLessonFiles.swift")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: lessons, includingPropertiesForKeys: [.isRegularFileKey],
                                                       options: [.skipsHiddenFiles]) {
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                inputs.append(url)
            }
        }
        return [.buildCommand(displayName: "Embedding the lessons of \(lessons.path)",
                              executable: try context.tool(named: "chainrule-embed-lessons").url,
                              arguments: [lessons.path, output.path],
                              inputFiles: inputs.sorted { $0.path < $1.path },
                              outputFiles: [output])]
    }
}
