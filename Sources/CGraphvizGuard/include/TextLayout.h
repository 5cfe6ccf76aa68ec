// ChainRule's built-in Graphviz text layout: DejaVu Sans measured from a
// table, without pango (see text_metrics.c and textlayout.c).
#ifndef CHAINRULE_TEXT_LAYOUT_H
#define CHAINRULE_TEXT_LAYOUT_H

/// The width, in points, pango would measure for `text` (UTF-8, one line) in
/// DejaVu Sans at `points`, bold and/or italic (oblique): the width of its
/// logical rectangle, before Graphviz rounds a label's width up to the next
/// whole point. From the built-in table; never loads a font.
double chainrule_text_width(const char *text, double points, int bold, int italic);

/// 1 when every character of `text` is in the table (0: some were measured
/// with the fallback width, see text_metrics.c).
int chainrule_text_known(const char *text, int bold, int italic);

/// The distance from the top of a line of text to its baseline, in points
/// (pango's baseline, Graphviz's `yoffset_layout`).
double chainrule_text_ascent(double points, int bold, int italic);

/// Creates Graphviz's context (`gvContextPlugins`) with ChainRule's text
/// layout as the preferred "textlayout" plugin, so laying out and rendering
/// SVG never loads pango, cairo or fontconfig. Returns the `GVC_t *`, or NULL.
void *chainrule_graphviz_context(void);

/// How text is measured while a graph is laid out (a process-wide setting;
/// Graphviz calls are serialized by the caller):
/// 0 (the default) the table alone; 1 for a graph cairo will draw (PDF, PNG):
/// pango measures too, because cairo draws the text spans' pango layouts, and
/// the table's width replaces pango's, so every format has the same geometry;
/// 2 pango alone, as Graphviz does without ChainRule's plugin (for tests that
/// compare the two).
void chainrule_text_layout_set_mode(int mode);

/// The width, in points, Graphviz's pango plugin measures for `text` (what
/// the table replaces), loading pango on first use; -1 if it cannot be
/// loaded. For tests that hold the table to pango.
double chainrule_text_width_pango(const char *text, double points, int bold, int italic);

/// How many text spans the built-in layout has measured with the table, and
/// how many it handed to pango (drawing, or a font other than DejaVu Sans).
long chainrule_text_layout_table_spans(void);
long chainrule_text_layout_pango_spans(void);

#endif
