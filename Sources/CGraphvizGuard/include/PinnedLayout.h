// A `dot` layout made to look pinned: its coordinates as the `nop2` engine
// reads them back from the DOT `attach_attrs` writes (see pinned_layout.c).
#ifndef CHAINRULE_PINNED_LAYOUT_H
#define CHAINRULE_PINNED_LAYOUT_H

/// Makes the laid-out graph `g` (an `Agraph_t *` after `gvLayout(…, "dot")`
/// and `attach_attrs`) in memory what `nop2` makes of the DOT pinned to it:
/// node centres and sizes, edge spline points and arrow ends, edge label
/// positions, the graph's box. Rendering `g` then gives the pinned render's
/// bytes. Returns 1, or 0 for a graph it does not cover (clusters, a graph
/// label, external labels, a box not at the origin): `g` may then be changed
/// and must not be rendered.
int chainrule_pin_layout(void *g);

#endif
