"""One figure from the command line, the micrograd way: build the apples graph,
run backward, draw it with draw_dot (graphviz PyPI package → a `dot` process)
and write the SVG. Timed as a whole process by chainrule-bench.

    python micrograd_figure.py OUT.svg
"""
import sys

from micrograd_peer import apples, draw_dot

svg = draw_dot(apples()).pipe(format='svg')
with open(sys.argv[1], 'wb') as f:
    f.write(svg)
