#ifndef CHAINRULE_CGRAPHVIZ_SHIM_H
#define CHAINRULE_CGRAPHVIZ_SHIM_H
#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>
#endif
