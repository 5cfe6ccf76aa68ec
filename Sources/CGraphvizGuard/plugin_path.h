// Where Graphviz keeps its plugins, for the guard (guard.c) and the text layout (textlayout.c).
#ifndef CHAINRULE_PLUGIN_PATH_H
#define CHAINRULE_PLUGIN_PATH_H

#include <stddef.h>

/// Writes to `out` the path of `file` (e.g. "libgvplugin_pango.so.6") in the
/// folder `graphviz/` beside the loaded libgvc, where Graphviz loads its
/// plugins from. Returns 0 (and writes nothing) when libgvc is not loaded.
int chainrule_graphviz_plugin_path(const char *file, char *out, size_t size);

struct link_map;
/// The address of the loaded object `map`'s PLT jump slot for `symbol` (the
/// pointer its calls to `symbol` go through), or NULL (guard.c).
void **chainrule_graphviz_jump_slot(struct link_map *map, const char *symbol);

#endif
