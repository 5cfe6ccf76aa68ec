// ChainRule's Graphviz text layout plugin: label sizes from a table of
// DejaVu Sans metrics (text_metrics.c) instead of Graphviz's pango plugin.
//
// Why: to size a label, Graphviz's pango plugin loads cairo, pango, glib,
// fontconfig (which parses fonts.conf and scans the font folders), FreeType
// and HarfBuzz: about half of the process time of `chainrule draw x.graph
// -o x.svg`, only to measure widths that an SVG file then states. The table
// gives the same widths (generate-text-metrics --check: 99.7 % of random
// strings exact to the pixel, the rest within 3 px), on every machine, whatever
// fonts are installed.
//
// How: the plugin is built in (`gvContextPlugins`) with a quality above
// pango's (10), so Graphviz chooses it when the context is created and never
// loads libgvplugin_pango to lay out or render SVG, DOT, plain or xdot.
// It does what pango's plugin does to a `textspan_t` (Graphviz 2.42,
// plugin/pango/gvtextlayout_pango.c): size.x is the width rounded up to the
// next whole point plus one ((int)(width + 1)), size.y is (int)(size * 1.1 +
// 0.5), yoffset_layout the baseline's depth, yoffset_centerline 0.2 * size,
// and it returns FALSE for an empty width (Graphviz then estimates).
//
// Cairo (PDF, PNG) draws text with the pango layout a span carries, so while
// a graph is laid out for cairo (chainrule_text_layout_set_mode(1)) pango's
// plugin measures too (loaded then, from Graphviz's plugin folder) and the
// table's width replaces its width: every format has the same geometry. Text
// in another font (a theme may name one), or set as superscript or subscript,
// goes to pango as before.
#define _GNU_SOURCE
#include "include/TextLayout.h"
#include "plugin_path.h"

#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>
#include <graphviz/gvplugin_textlayout.h>
#include <graphviz/textspan.h>

#include <ctype.h>
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

/// A higher quality than pango's text layout (10) and gd's (2).
#define CHAINRULE_TEXTLAYOUT_QUALITY 100

static int mode;  // 0 table, 1 drawing (pango's layout, the table's width), 2 pango
static long table_spans, pango_spans;

void chainrule_text_layout_set_mode(int new_mode) { mode = new_mode; }
long chainrule_text_layout_table_spans(void) { return table_spans; }
long chainrule_text_layout_pango_spans(void) { return pango_spans; }

// MARK: - pango, loaded on demand

// Graphviz's pango text layout, from libgvplugin_pango in the folder `graphviz/`
// beside the loaded libgvc (the plugin Graphviz itself loads for cairo output).
static void *pango_plugin;

static gvtextlayout_engine_t *pango_engine(void) {
    static int tried;
    static gvtextlayout_engine_t *engine;
    if (tried) return engine;
    tried = 1;
    char plugin[4200];
    if (!chainrule_graphviz_plugin_path("libgvplugin_pango.so.6", plugin, sizeof plugin)) return NULL;
    void *handle = dlopen(plugin, RTLD_NOW);  // kept open for the process's life
    if (!handle) return NULL;
    pango_plugin = handle;
    gvplugin_installed_t *types = (gvplugin_installed_t *)dlsym(handle, "gvtextlayout_pango_types");
    if (types && types[0].type && types[0].engine) engine = (gvtextlayout_engine_t *)types[0].engine;
    return engine;
}

// MARK: - The plugin

// 0 regular, 1 bold, 2 italic, 3 bold italic when `font` is DejaVu Sans set
// plainly (the first family of its name, any case); -1 otherwise.
static int table_face(const textfont_t *font) {
    if (!font || !font->name) return -1;
    if (font->flags & (HTML_SUP | HTML_SUB)) return -1;
    const char *s = font->name;
    while (*s == ' ') s++;
    static const char family[] = "dejavu sans";
    for (size_t i = 0; i < sizeof family - 1; i++, s++)
        if (tolower((unsigned char)*s) != family[i]) return -1;
    while (*s == ' ') s++;
    if (*s != 0 && *s != ',') return -1;
    return ((font->flags & HTML_BF) ? 1 : 0) | ((font->flags & HTML_IF) ? 2 : 0);
}

static boolean chainrule_textlayout(textspan_t *span, char **fontpath) {
    int face = table_face(span->font);
    if (face < 0 || mode != 0) {
        gvtextlayout_engine_t *pango = pango_engine();
        if (pango) {
            pango_spans++;
            boolean ok = pango->textlayout(span, fontpath);
            if (ok && face >= 0 && mode == 1) {
                double width = chainrule_text_width(span->str, span->font->size, face & 1, face >> 1);
                if (width > 0) span->size.x = (int)(width + 1);
            }
            return ok;
        }
        if (face < 0) return FALSE;  // Graphviz estimates the size
    }
    table_spans++;
    double size = span->font->size;
    double width = chainrule_text_width(span->str ? span->str : "", size, face & 1, face >> 1);
    span->layout = NULL;
    span->free_layout = NULL;
    span->size.x = (int)(width + 1);  // pango's plugin: "never too small"
    span->size.y = (int)(size * 1.1 + .5);
    span->yoffset_layout = chainrule_text_ascent(size, face & 1, face >> 1);
    span->yoffset_centerline = 0.2 * size;
    if (fontpath) *fontpath = (char *)"(ChainRule's built-in DejaVu Sans metrics)";
    return width > 0;
}

static gvtextlayout_engine_t chainrule_textlayout_engine = {chainrule_textlayout};

static gvplugin_installed_t chainrule_textlayout_types[] = {
    {0, "textlayout", CHAINRULE_TEXTLAYOUT_QUALITY, &chainrule_textlayout_engine, NULL},
    {0, NULL, 0, NULL, NULL},
};

static gvplugin_api_t chainrule_apis[] = {
    {API_textlayout, chainrule_textlayout_types},
    {(api_t)0, NULL},
};

static gvplugin_library_t chainrule_library = {"chainrule", chainrule_apis};

static lt_symlist_t chainrule_builtins[] = {
    {"gvplugin_chainrule_LTX_library", &chainrule_library},
    {NULL, NULL},
};

void *chainrule_graphviz_context(void) {
    // Demand loading stays on: every other plugin comes from Graphviz's config as before.
    return gvContextPlugins(chainrule_builtins, 1);
}

double chainrule_text_width_pango(const char *text, double points, int bold, int italic) {
    gvtextlayout_engine_t *pango = pango_engine();
    if (!pango) return -1;
    static void (*extents)(void *, int *, int *);
    if (!extents) extents = (void (*)(void *, int *, int *))dlsym(pango_plugin, "pango_layout_get_extents");
    if (!extents) return -1;
    textfont_t font;
    memset(&font, 0, sizeof font);
    font.name = (char *)"DejaVu Sans,sans-serif";
    font.size = points;
    font.flags = (bold ? HTML_BF : 0) | (italic ? HTML_IF : 0);
    textspan_t span;
    memset(&span, 0, sizeof span);
    span.str = (char *)text;
    span.font = &font;
    pango->textlayout(&span, NULL);
    if (!span.layout) return -1;
    int ink[4], logical[4];
    extents(span.layout, ink, logical);
    if (span.free_layout) span.free_layout(span.layout);
    return logical[2] * (72.0 / (96.0 * 1024));
}
