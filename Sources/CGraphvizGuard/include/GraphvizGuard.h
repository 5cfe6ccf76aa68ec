// A guard against a crash in Graphviz 2.42's dot layout (see guard.c), and
// ChainRule's built-in text layout (TextLayout.h) and the landscape switch (Landscape.h).
#ifndef CHAINRULE_GRAPHVIZ_GUARD_H
#define CHAINRULE_GRAPHVIZ_GUARD_H

#include "Landscape.h"
#include "TextLayout.h"

/// Installs the guard around the dot layout plugin's `decompose`, which must
/// not have been used yet in this process. Loads the plugin from the folder
/// `graphviz/` beside the loaded libgvc. Returns 1 when installed, 0 when it
/// could not be (the plugin was already in use, not found, or not an ELF
/// object with a `decompose` jump slot); layouts then run unguarded.
int chainrule_graphviz_guard_install(void);

/// How many extra `decompose` calls the guard has made so far.
long chainrule_graphviz_guard_skips(void);

#endif
