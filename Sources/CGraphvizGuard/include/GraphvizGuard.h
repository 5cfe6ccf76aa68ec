// A guard against a crash in Graphviz 2.42's dot layout (see guard.c),
// ChainRule's built-in text layout (TextLayout.h), the SVG renderer's
// number writer without printf (svg_numbers.c), the landscape switch (Landscape.h),
// and a dot layout pinned in memory (PinnedLayout.h).
#ifndef CHAINRULE_GRAPHVIZ_GUARD_H
#define CHAINRULE_GRAPHVIZ_GUARD_H

#include "Landscape.h"
#include "TextLayout.h"
#include "PinnedLayout.h"
#include <stddef.h>

/// Installs the guard around the dot layout plugin's `decompose`, which must
/// not have been used yet in this process. Loads the plugin from the folder
/// `graphviz/` beside the loaded libgvc. Returns 1 when installed, 0 when it
/// could not be (the plugin was already in use, not found, or not an ELF
/// object with a `decompose` jump slot); layouts then run unguarded.
int chainrule_graphviz_guard_install(void);

/// How many extra `decompose` calls the guard has made so far.
long chainrule_graphviz_guard_skips(void);

/// Points the SVG renderer's calls to `gvprintdouble` at a writer of the
/// same bytes without printf (see svg_numbers.c). Returns 1 when installed.
int chainrule_graphviz_svg_numbers_install(void);

/// Writes `x` to `out` (at least 64 bytes) as Graphviz's `gvprintdouble`
/// does (`%.02f`, trailing zeros and '.' trimmed, |x| < 1e-8 as 0), without
/// a NUL; returns the length.
size_t chainrule_svg_number(double x, char *out);

#endif
