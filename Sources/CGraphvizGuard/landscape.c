// See include/Landscape.h. Graphviz 2.42 keeps `rotate` in the layout's
// drawing record (`GD_drawing(g)->landscape`, set by graph_init); emit.c
// reads it when a render starts (init_gvc, init_job_pagination,
// init_job_viewport). Layout engines do not read it.
#include "include/Landscape.h"

#include <graphviz/gvc.h>

void chainrule_graphviz_set_landscape(void *graph, int landscape) {
    graph_t *g = (graph_t *)graph;
    if (g && GD_drawing(g)) GD_drawing(g)->landscape = landscape ? TRUE : FALSE;
}
