import ChainRuleExport
import ChainRuleRender
import Foundation

/// What the server's own pages share: the script hash of the policy and
/// the look (the slideshow's colours, from the figure theme).
package enum ServePage {
    /// `'sha256-…'`: the CSP source naming `script`.
    package static func hash(_ script: String) -> String { SHA256.cspSource(script) }

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
        * { box-sizing: border-box; }
        html, body { margin: 0; min-height: 100%; }
        html { font-size: clamp(16px, calc(0.55vw + 8px), 34px); }
        body { background: var(--page); color: var(--text); font: 1rem/1.55 var(--sans); }
        .deck { display: grid; grid-template-rows: auto auto 1fr auto auto; min-height: 100vh; padding: 0 1.5rem; }
        .bar { display: flex; align-items: flex-end; justify-content: space-between; gap: 24px; padding: 22px 0 14px; }
        .eyebrow { margin: 0; font-size: .75rem; letter-spacing: .12em; text-transform: uppercase; color: var(--muted); font-weight: 600; }
        h1 { margin: 2px 0 0; font-size: 1.6rem; line-height: 1.2; }
        .where { display: flex; align-items: center; gap: 1rem; color: var(--muted); font-size: .875rem; white-space: nowrap; }
        .home { color: var(--muted); text-decoration: none; border: 1px solid var(--border); border-radius: 999px; padding: 3px 12px; }
        .slide { display: grid; grid-template-columns: minmax(0, 1fr) minmax(18rem, 27vw); gap: 1.2rem; margin-bottom: 1rem; min-height: 0; }
        .figure { margin: 0; background: var(--card); border: 1px solid var(--border); border-radius: 14px; padding: 20px; display: flex; align-items: center; justify-content: center; min-height: 360px; }
        .figure svg { display: block; width: 100%; height: auto; max-height: calc(100vh - 12rem); }
        .panel { min-width: 0; background: var(--card); border: 1px solid var(--border); border-radius: 14px; padding: 1.2rem 1.3rem; overflow-y: auto; max-height: calc(100vh - 9rem); }
        .kicker { margin: 0 0 10px; }
        .chip { display: inline-block; font-size: .75rem; font-weight: 600; letter-spacing: .04em; padding: 3px 10px; border-radius: 999px; background: var(--accent-soft); color: var(--forward); }
        h2 { margin: 0 0 .8rem; font: 600 1.3rem/1.3 var(--math); }
        .equation { margin: 0 0 1rem; padding: .7rem .8rem; border-left: 3px solid var(--forward); background: color-mix(in srgb, var(--forward) 6%, var(--card)); border-radius: 0 8px 8px 0; font: 1.06rem/1.6 var(--math); overflow-x: auto; }
        .why { color: var(--muted); font-size: .9rem; }
        .controls { display: flex; align-items: center; gap: 14px; padding: 6px 0 8px; }
        button { font: 600 .875rem var(--sans); color: var(--text); background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 9px 16px; cursor: pointer; min-width: 44px; }
        button:hover:not(:disabled) { border-color: var(--accent); color: var(--accent); }
        button:disabled { opacity: .35; cursor: default; }
        .foot { color: var(--muted); font-size: .8rem; padding: 4px 0 18px; }
        .foot p { margin: 0; }
        kbd { font: .75rem var(--mono); border: 1px solid var(--border); border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; background: var(--card); }
        code { font: .9em var(--mono); }
        a { color: var(--accent); }
        [hidden] { display: none !important; }
        @media (max-width: 900px) { .slide { grid-template-columns: 1fr; } .panel { max-height: none; } .label { display: none; } }
        """
    }
}
