// Generates Sources/CGraphvizGuard/text_metrics_table.h: the advance widths,
// kerning and vertical metrics of DejaVu Sans (regular, bold, oblique, bold
// oblique) that ChainRule's built-in Graphviz text layout uses instead of
// pango (see Sources/CGraphvizGuard/textlayout.c).
//
// Every number is measured the way Graphviz measures text: through Graphviz's
// own pango plugin (libgvplugin_pango's text layout, loaded with dlopen), at
// 1536 pt, where one pixel of its 96-dpi layout is one font unit of DejaVu
// Sans (2048 units per em), so pango's whole-pixel rounding loses nothing.
// FreeType reads only which code points each face has (its cmap) and, for
// pairs outside the measured pair set, the font's kerning table (which pango's
// HarfBuzz applies; on the pair set both agree except for ligatures).
//
// Regenerate (after a DejaVu or pango upgrade, or to add code points):
//   make text-metrics
// which builds this file with the flags of freetype2 and libgvc and writes
// the header. `generate-text-metrics --check` compares the table's widths with
// pango's on random strings at random sizes and prints the agreement.
#include <dlfcn.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <graphviz/gvplugin.h>
#include <graphviz/gvplugin_textlayout.h>
#include <graphviz/textspan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEASURE_SIZE 1536.0 // points; 2048 px at 96 dpi: 1 px = 1 font unit
#define FONT_DIR "/usr/share/fonts/truetype/dejavu/"
#define PANGO_PLUGIN "/usr/lib/x86_64-linux-gnu/graphviz/libgvplugin_pango.so.6"

typedef struct { int x, y, width, height; } PangoRect;
static gvtextlayout_engine_t *pango;
static void (*layout_extents)(void *layout, PangoRect *ink, PangoRect *logical);

static const struct { const char *name, *file; int flags; } faces[4] = {
    {"regular", "DejaVuSans.ttf", 0},
    {"bold", "DejaVuSans-Bold.ttf", HTML_BF},
    {"oblique", "DejaVuSans-Oblique.ttf", HTML_IF},
    {"bold_oblique", "DejaVuSans-BoldOblique.ttf", HTML_BF | HTML_IF},
};

// Code points in the table (those of them each face has).
static const unsigned ranges[][2] = {
    {0x0020, 0x007E}, {0x00A0, 0x024F}, {0x0370, 0x03FF}, {0x1D00, 0x1DBF}, {0x2000, 0x206F},
    {0x2070, 0x209F}, {0x20A0, 0x20CF}, {0x2100, 0x214F}, {0x2150, 0x218F}, {0x2190, 0x21FF}, {0x2200, 0x22FF},
    {0x2300, 0x23FF}, {0x2400, 0x243F}, {0x2460, 0x24FF}, {0x2500, 0x257F}, {0x2580, 0x259F}, {0x25A0, 0x25FF},
    {0x27E6, 0x27EF}, {0x2C60, 0x2C7F}, {0xFFFD, 0xFFFD},
};
// Pairs measured through pango (kerning and ligatures); other pairs take the font's kerning table.
static const unsigned pair_ranges[][2] = {
    {0x0020, 0x007E}, {0x00A0, 0x00FF}, {0x0391, 0x03C9}, {0x2010, 0x203A}, {0x2070, 0x209F},
    {0x2202, 0x2202}, {0x2212, 0x2212},
};

static int utf8(unsigned c, char *out) {
    if (c < 0x80) { out[0] = (char)c; return 1; }
    if (c < 0x800) { out[0] = (char)(0xC0 | c >> 6); out[1] = (char)(0x80 | (c & 63)); return 2; }
    if (c < 0x10000) { out[0] = (char)(0xE0 | c >> 12); out[1] = (char)(0x80 | (c >> 6 & 63)); out[2] = (char)(0x80 | (c & 63)); return 3; }
    out[0] = (char)(0xF0 | c >> 18); out[1] = (char)(0x80 | (c >> 12 & 63)); out[2] = (char)(0x80 | (c >> 6 & 63)); out[3] = (char)(0x80 | (c & 63));
    return 4;
}

// pango's logical rectangle of `text` (width, and baseline in *baseline), in pango units.
static int measure(const char *text, double size, int flags, double *yoffset) {
    textfont_t font = {0};
    font.name = "DejaVu Sans,sans-serif";
    font.size = size;
    font.flags = flags & 0x7F;
    textspan_t span = {0};
    span.str = (char *)text;
    span.font = &font;
    pango->textlayout(&span, NULL);
    PangoRect ink, logical;
    layout_extents(span.layout, &ink, &logical);
    if (yoffset) *yoffset = span.yoffset_layout;
    span.free_layout(span.layout);
    return logical.width;
}

static int in_ranges(unsigned c, const unsigned (*r)[2], size_t n) {
    for (size_t i = 0; i < n; i++) if (c >= r[i][0] && c <= r[i][1]) return 1;
    return 0;
}

static void load_pango(void) {
    void *plugin = dlopen(PANGO_PLUGIN, RTLD_NOW | RTLD_GLOBAL);
    if (!plugin) { fprintf(stderr, "generate-text-metrics: %s\n", dlerror()); exit(1); }
    gvplugin_installed_t *types = dlsym(plugin, "gvtextlayout_pango_types");
    layout_extents = (void (*)(void *, PangoRect *, PangoRect *))dlsym(RTLD_DEFAULT, "pango_layout_get_extents");
    if (!types || !types[0].engine || !layout_extents) { fprintf(stderr, "generate-text-metrics: no pango text layout\n"); exit(1); }
    pango = types[0].engine;
}

#ifdef CHECK_MODEL
#include "../../Sources/CGraphvizGuard/text_metrics.c"
static int check(void) {
    // Random strings of table characters (weighted to ASCII) at random sizes.
    static const char *sample[] = {"a", "0.5", "x₁", "∂L/∂x", "−0.25", "w·x + b", "⋯", "⋮", "≈", "×", "⊙", "σ(z)", "tanh", "ReLU", "Σ", "∞"};
    srand(15);
    int n = 0, exact = 0, worst = 0;
    double worst_ratio = 0;
    for (int trial = 0; trial < 20000; trial++) {
        char s[200] = {0};
        int len = 0, k = 1 + rand() % 12;
        for (int i = 0; i < k; i++) {
            if (rand() % 3 == 0) { const char *t = sample[rand() % 16]; strcpy(s + len, t); len += (int)strlen(t); }
            else s[len++] = (char)(0x20 + rand() % 95);
        }
        s[len] = 0;
        double size = 6 + (rand() % 2400) / 100.0;
        int flags = rand() % 4;
        int p = measure(s, size, flags == 3 ? (HTML_BF | HTML_IF) : flags, NULL);
        double m = chainrule_text_width(s, size, flags & 1, flags >> 1 & 1) / 0.75 * 1024;
        int d = abs(p - (int)(m + 0.5)) / 1024;
        n++;
        if (d == 0) exact++;
        if (d > worst) worst = d;
        if (p > 0 && (double)abs(p - (int)(m + 0.5)) / p > worst_ratio) worst_ratio = (double)abs(p - (int)(m + 0.5)) / p;
    }
    printf("%d strings: %d exact (%.2f %%), worst %d px, worst %.2f %% of the width\n", n, exact, 100.0 * exact / n, worst, 100 * worst_ratio);
    return 0;
}
#endif

int main(int argc, char **argv) {
    load_pango();
#ifdef CHECK_MODEL
    if (argc > 1 && strcmp(argv[1], "--check") == 0) return check();
#endif
    (void)argc; (void)argv;
    FT_Library ft;
    if (FT_Init_FreeType(&ft)) { fprintf(stderr, "generate-text-metrics: FreeType\n"); return 1; }
    printf("// Generated by `make text-metrics` (scripts/text-metrics/generate-text-metrics.c). Do not edit.\n");
    printf("// DejaVu Sans 2.37 (fonts-dejavu-core), measured through Graphviz 2.42's pango plugin\n");
    printf("// (pango 1.50, 96 dpi, hinted metrics) at %.0f pt: advances and kerning in font units.\n", MEASURE_SIZE);
    for (int f = 0; f < 4; f++) {
        FT_Face face;
        char path[512];
        snprintf(path, sizeof path, "%s%s", FONT_DIR, faces[f].file);
        if (FT_New_Face(ft, path, 0, &face)) { fprintf(stderr, "generate-text-metrics: cannot open %s\n", path); return 1; }
        if (face->units_per_EM != 2048) { fprintf(stderr, "generate-text-metrics: %s: %d units per em\n", path, face->units_per_EM); return 1; }
        unsigned *cps = malloc(sizeof(unsigned) * 0x10000);
        int *adv = malloc(sizeof(int) * 0x10000);
        int count = 0;
        for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
            for (unsigned c = ranges[r][0]; c <= ranges[r][1]; c++) {
                if (!FT_Get_Char_Index(face, c)) continue;
                char s[5] = {0};
                utf8(c, s);
                int w = measure(s, MEASURE_SIZE, faces[f].flags, NULL);
                if (w % 1024) { fprintf(stderr, "generate-text-metrics: U+%04X: %d is not whole pixels\n", c, w); return 1; }
                FT_Load_Glyph(face, FT_Get_Char_Index(face, c), FT_LOAD_NO_SCALE);
                if (w / 1024 != face->glyph->advance.x && c >= 0x20 && c < 0x7F) {
                    fprintf(stderr, "generate-text-metrics: U+%04X: pango %d, %s %ld: pango does not use %s\n",
                            c, w / 1024, faces[f].file, face->glyph->advance.x, faces[f].file);
                    return 1;
                }
                cps[count] = c;
                adv[count++] = w / 1024;
            }
        double yoffset;
        measure("x", MEASURE_SIZE, faces[f].flags, &yoffset);
        int ascent = (int)(yoffset / 0.75 + 0.5);
        printf("\nstatic const cr_tm_advance cr_tm_advances_%s[%d] = {", faces[f].name, count);
        for (int i = 0; i < count; i++) printf("%s{0x%04X, %d},", i % 8 ? " " : "\n    ", cps[i], adv[i]);
        printf("\n};\n");
        printf("static const cr_tm_kern cr_tm_kerns_%s[] = {", faces[f].name);
        int pairs = 0;
        for (int a = 0; a < count; a++) {
            for (int b = 0; b < count; b++) {
                int k;
                if (in_ranges(cps[a], pair_ranges, sizeof pair_ranges / sizeof pair_ranges[0])
                    && in_ranges(cps[b], pair_ranges, sizeof pair_ranges / sizeof pair_ranges[0])) {
                    char s[9] = {0};
                    int l = utf8(cps[a], s);
                    utf8(cps[b], s + l);
                    k = measure(s, MEASURE_SIZE, faces[f].flags, NULL) / 1024 - adv[a] - adv[b];
                } else {
                    FT_Vector v;
                    FT_Get_Kerning(face, FT_Get_Char_Index(face, cps[a]), FT_Get_Char_Index(face, cps[b]), FT_KERNING_UNSCALED, &v);
                    k = (int)v.x;
                }
                if (k) printf("%s{0x%04X, 0x%04X, %d},", pairs++ % 6 ? " " : "\n    ", cps[a], cps[b], k);
            }
        }
        printf("\n    {0xFFFFFFFF, 0xFFFFFFFF, 0}, // end\n};\n");
        printf("#define CR_TM_ASCENT_%s %d\n", faces[f].name, ascent);
        printf("#define CR_TM_COUNT_%s %d\n#define CR_TM_PAIRS_%s %d\n", faces[f].name, count, faces[f].name, pairs);
        free(cps);
        free(adv);
        FT_Done_Face(face);
        fprintf(stderr, "%s: %d code points, %d kerning pairs, ascent %d\n", faces[f].name, count, pairs, ascent);
    }
    return 0;
}
