import ChainRuleRender

// Worksheets of an export: one printable sheet per graph (`WorksheetPage`),
// titled with the lesson, on the export's paper, with its answer key.
extension LessonExport {
    /// The worksheet of graph section `index`.
    func worksheetPage(_ index: Int) throws(ExportError) -> WorksheetPage {
        let section = lesson.sections[index]
        var title = lesson.title
        if lesson.sections.count > 1 { title += " (graph \(index + 1) of \(lesson.sections.count))" }
        var figureOptions = FigureOptions(theme: options.theme)
        figureOptions.localDerivatives = options.localDerivatives
        do {
            return try WorksheetPage(section.backward, options: figureOptions, title: title, paper: options.paper)
        } catch {
            throw fail("the worksheet of graph \(index + 1)", error)
        }
    }

    /// The worksheet or its answer key as `format`.
    func render(_ sheet: WorksheetPage, answerKey: Bool, _ format: GraphvizFormat) throws(ExportError) -> [UInt8] {
        renders += 1
        do { return try sheet.render(answerKey: answerKey, format: format) } catch {
            throw fail(answerKey ? "the answer key" : "the worksheet", error)
        }
    }
}
