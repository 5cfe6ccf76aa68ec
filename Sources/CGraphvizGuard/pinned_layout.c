// The first frame of a figure from its `dot` layout pass (FrameCache).
//
// A pinned frame is the figure's DOT with every node's `pos`, `width` and
// `height` and every edge's `pos` from the layout, drawn by the `nop2`
// engine. Those strings are `attach_attrs`' `%.5g` of the layout's numbers.
// `nop2` then (Graphviz 2.42, neatogen/neatoinit.c and common/utils.c):
// - sizes each node again from its `width` and `height` (its shape's
//   `initfn`, then `gv_nodesize` unflipped: `nop2` has no rank direction);
// - reads a node's `pos` as inches (÷ 72) and places it at 72 × that;
// - takes edge spline points and label positions as written;
// - computes the graph's box from all of that (`compute_bb`) and moves the
//   drawing so that its lower left corner is the origin.
// `chainrule_pin_layout` does the same to the laid-out graph in memory, so
// rendering it gives the pinned frame's bytes without writing, parsing and
// sizing the pinned DOT. Figures it does not cover (clusters, a graph
// label, a box not at the origin) are refused: the caller renders them
// through `nop2` as before.
#include "include/PinnedLayout.h"
#include <graphviz/gvc.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

// libgvc functions without a public declaration (common/utils.c, shapes.c).
extern void gv_nodesize(Agnode_t *n, boolean flip);
extern double late_double(void *obj, Agsym_t *attr, double defaultValue, double low);

/// `v` as attach_attrs writes it and strtod reads it back.
static double printed(double v) {
    char buffer[64];
    snprintf(buffer, sizeof buffer, "%.5g", v);
    return strtod(buffer, NULL);
}

static pointf printed_point(pointf p) {
    pointf q = { printed(p.x), printed(p.y) };
    return q;
}

/// A node as nop2 makes it from its `pos`, `width` and `height`.
static void pin_node(Agnode_t *n, Agsym_t *width, Agsym_t *height) {
    pointf p = { 72.0 * (printed(ND_coord(n).x) / 72.0), 72.0 * (printed(ND_coord(n).y) / 72.0) };
    ND_coord(n) = p;
    // As common_init_node: the size attributes (DEFAULT_NODEWIDTH/HEIGHT, MIN_NODEWIDTH/HEIGHT), then the shape.
    ND_width(n) = late_double(n, width, 0.75, 0.01);
    ND_height(n) = late_double(n, height, 0.5, 0.02);
    ND_shape(n)->fns->freefn(n);
    ND_shape(n)->fns->initfn(n);
    gv_nodesize(n, FALSE);
}

static void pin_edge(Agedge_t *e) {
    if (ED_spl(e)) {
        for (int i = 0; i < ED_spl(e)->size; i++) {
            bezier *bz = &ED_spl(e)->list[i];
            for (int j = 0; j < bz->size; j++) bz->list[j] = printed_point(bz->list[j]);
            if (bz->sflag) bz->sp = printed_point(bz->sp);
            if (bz->eflag) bz->ep = printed_point(bz->ep);
        }
    }
    if (ED_label(e) && ED_label(e)->set) ED_label(e)->pos = printed_point(ED_label(e)->pos);
}

static void expand(boxf *bb, double llx, double lly, double urx, double ury) {
    if (llx < bb->LL.x) bb->LL.x = llx;
    if (lly < bb->LL.y) bb->LL.y = lly;
    if (urx > bb->UR.x) bb->UR.x = urx;
    if (ury > bb->UR.y) bb->UR.y = ury;
}

/// compute_bb of the pinned graph (nodes, spline points, edge labels, unflipped).
static boxf pinned_box(Agraph_t *g) {
    boxf bb = { { INT_MAX, INT_MAX }, { -INT_MAX, -INT_MAX } };
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
        double w = ND_xsize(n) / 2.0, h = ND_ysize(n) / 2.0;
        expand(&bb, ND_coord(n).x - w, ND_coord(n).y - h, ND_coord(n).x + w, ND_coord(n).y + h);
        for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) {
            if (!ED_spl(e)) continue;
            for (int i = 0; i < ED_spl(e)->size; i++) {
                for (int j = 0; j < ED_spl(e)->list[i].size; j++) {
                    pointf p = ED_spl(e)->list[i].list[j];
                    expand(&bb, p.x, p.y, p.x, p.y);
                }
            }
            if (ED_label(e) && ED_label(e)->set) {
                textlabel_t *l = ED_label(e);
                expand(&bb, l->pos.x - l->dimen.x / 2., l->pos.y - l->dimen.y / 2.,
                       l->pos.x + l->dimen.x / 2., l->pos.y + l->dimen.y / 2.);
            }
        }
    }
    return bb;
}

static pointf moved(pointf p, pointf by) {
    pointf q = { p.x - by.x, p.y - by.y };
    return q;
}

/// translate_drawing without a rank direction: every position less `by`.
static void translate(Agraph_t *g, pointf by) {
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
        ND_coord(n) = moved(ND_coord(n), by);
        for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) {
            if (ED_spl(e)) {
                for (int i = 0; i < ED_spl(e)->size; i++) {
                    bezier *bz = &ED_spl(e)->list[i];
                    for (int j = 0; j < bz->size; j++) bz->list[j] = moved(bz->list[j], by);
                    if (bz->sflag) bz->sp = moved(bz->sp, by);
                    if (bz->eflag) bz->ep = moved(bz->ep, by);
                }
            }
            if (ED_label(e) && ED_label(e)->set) ED_label(e)->pos = moved(ED_label(e)->pos, by);
        }
    }
}

int chainrule_pin_layout(void *graph) {
    Agraph_t *g = graph;
    if (GD_n_cluster(g) > 0 || GD_label(g) || agnnodes(g) == 0) return 0;
    Agsym_t *width = agattr(g, AGNODE, "width", NULL), *height = agattr(g, AGNODE, "height", NULL);
    if (!width || !height) return 0;
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
        if (ND_xlabel(n) || !ND_shape(n) || !ND_shape(n)->fns->freefn || !ND_shape(n)->fns->initfn) return 0;
        for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) {
            if (ED_xlabel(e) || ED_head_label(e) || ED_tail_label(e)) return 0;
        }
    }
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
        pin_node(n, width, height);
        for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) pin_edge(e);
    }
    boxf bb = pinned_box(g);
    // gv_postprocess: the drawing moves by its box's lower left corner (often a rounding error away from 0).
    if (bb.LL.x != 0 || bb.LL.y != 0) translate(g, bb.LL);
    bb.UR.x -= bb.LL.x;
    bb.UR.y -= bb.LL.y;
    bb.LL.x = bb.LL.y = 0;
    GD_bb(g) = bb;
    return 1;
}
