import ChainRuleExport
import ChainRuleRender
import Foundation

/// What the server's own pages share: the script hash of the policy and
/// the look: the slideshow's colours from the figure theme, then
/// `Embedded/serve.css`.
package enum ServePage {
    /// `'sha256-…'`: the CSP source naming `script`.
    package static func hash(_ script: String) -> String { SHA256.cspSource(script) }

    /// The start of every page of the server, up to and including `</head>`:
    /// the policy `csp` (as a meta tag; the response sends it as a header
    /// too), the title (escaped), the theme's look and the page's own `style`.
    static func head(title: String, csp: String, theme: FigureTheme, style: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(csp)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="chainrule serve">
        <title>\(ExportHTML.escape(title))</title>
        <style>
        \(Self.style(theme))
        \(style)
        </style>
        </head>
        """
    }

    static func style(_ theme: FigureTheme) -> String {
        let dark = theme.name == "dark"
        return """
        :root {
          --page: \(dark ? "#121418" : "#f3f4f6"); --card: \(theme.background); --text: \(theme.text); --muted: \(theme.muted);
          --border: \(dark ? "#2d333b" : "#e2e5ea"); --accent: \(theme.highlight); --accent-soft: \(theme.highlightFill);
          --gradient: \(theme.gradient); --forward: \(theme.highlight);
          --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
          --math: "STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Serif", Georgia, serif;
          --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
          color-scheme: \(dark ? "dark" : "light");
        }
        \(ServeAssets.text("serve.css"))
        """
    }
}
