import Foundation
import PackagePlugin

/// Build-tool plugin: turns the files of a folder into a Swift source
/// holding their bytes (`embeddedFiles`), so the `chainrule` executable
/// carries them wherever it is copied or installed, with no resource bundle.
///
/// - `ShippedLessons` embeds the package's `Lessons/` folder (the lessons and
///   their data).
/// - Any other target embeds its own `Embedded/` folder, which Package.swift
///   excludes from its sources: `ChainRuleExport`'s slideshow script and
///   styles are real `.js` and `.css` files there, read and linted as such.
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = target.name == "ShippedLessons"
            ? context.package.directoryURL.appending(path: "Lessons")
            : target.sourceModule!.directoryURL.appending(path: "Embedded")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                                       options: [.skipsHiddenFiles]) {
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                inputs.append(url)
            }
        }
        return [.buildCommand(displayName: "Embedding the files of \(folder.path) in \(target.name)",
                              executable: try context.tool(named: "chainrule-embed-files").url,
                              arguments: [folder.path, output.path],
                              inputFiles: inputs.sorted { $0.path < $1.path },
                              outputFiles: [output])]
    }
}
