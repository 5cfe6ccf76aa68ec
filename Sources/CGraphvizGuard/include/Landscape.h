// Turning a laid-out graph landscape between renders of one layout.
#ifndef CHAINRULE_LANDSCAPE_H
#define CHAINRULE_LANDSCAPE_H

/// Sets whether Graphviz draws the laid-out graph `graph` (an `Agraph_t *`)
/// landscape: rotated 90°, as `rotate=90` does. Graphviz reads `rotate` when
/// it lays a graph out but uses it only when it renders (the layout's
/// coordinates are the same), so one layout can be drawn both ways.
void chainrule_graphviz_set_landscape(void *graph, int landscape);

#endif
