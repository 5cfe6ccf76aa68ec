"""The micrograd side of chainrule-bench.

    python micrograd_peer.py [--quick] [--eval-script PATH] [--skip-figures]
    python micrograd_peer.py rss N      # peak RSS of one N-node scalar MLP graph, own process

Prints one JSON object (see common.py). Workloads mirror Benchmarks/chainrule-bench:

  scalar-{10k,100k,1M}   build + forward + backward of a micrograd MLP(2, [16, 16, 1])
                          evaluated on a batch of samples with a squared-error loss,
                          sized to ~N Values; Python's GC off (and on, at 100k)
  eval-10k               micrograd build + backward of the 10k-statement scalar script
                          that `chainrule eval` runs (translated to Python, compile excluded)
  frames-apples          one frame = draw_dot(root).pipe('svg'): a `dot` process per frame
  frames-mlp             the same for micrograd MLP(2, [4, 4, 1]) (~170 Graphviz nodes)
  big-graph              draw_dot of MLP(4, [16, 16, 1]) + loss (~1,850 Graphviz nodes)
"""
import gc
import random
import re
import sys

from common import arg_quick, emit, peak_rss_bytes, rss_bytes, series, timeit

from micrograd.engine import Value
from micrograd.nn import MLP

sys.setrecursionlimit(1_000_000)


# --- draw_dot, copied from micrograd's trace_graph.ipynb -------------------
from graphviz import Digraph


def trace(root):
    # builds a set of all nodes and edges in a graph
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)
    build(root)
    return nodes, edges


def draw_dot(root):
    dot = Digraph(format='svg', graph_attr={'rankdir': 'LR'})  # LR = left to right

    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        # for any value in the graph, create a rectangular ('record') node for it
        dot.node(name=uid, label="{ data %.4f | grad %.4f }" % (n.data, n.grad), shape='record')
        if n._op:
            # if this value is a result of some operation, create an op node for it
            dot.node(name=uid + n._op, label=n._op)
            # and connect this node to it
            dot.edge(uid + n._op, uid)

    for n1, n2 in edges:
        # connect n1 to the op node of n2
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)

    return dot
# ---------------------------------------------------------------------------


def apples():
    """The apple-and-orange shopping graph (Deep Learning from Scratch, ch. 5)."""
    apple, apple_num = Value(100.0), Value(2.0)
    orange, orange_num = Value(150.0), Value(3.0)
    tax = Value(1.1)
    apple_price = apple * apple_num
    orange_price = orange * orange_num
    all_price = apple_price + orange_price
    price = all_price * tax
    price.backward()
    return price


def small_mlp():
    """micrograd MLP(2, [4, 4, 1]) on one sample with a squared-error loss."""
    random.seed(1)
    model = MLP(2, [4, 4, 1])
    x = [Value(2.0), Value(-1.0)]
    loss = (model(x) - Value(1.0)) ** 2
    loss.backward()
    return loss


def big_mlp():
    """MLP(4, [16, 16, 1]) on one sample with a squared-error loss (~1,850 Graphviz nodes)."""
    random.seed(1)
    model = MLP(4, [16, 16, 1])
    x = [Value(v) for v in (0.5, -1.0, 2.0, 0.25)]
    loss = (model(x) - Value(1.0)) ** 2
    loss.backward()
    return loss


def count_values(root):
    nodes, _ = trace(root)
    return len(nodes)


def graphviz_node_count(root):
    nodes, _ = trace(root)
    return len(nodes) + sum(1 for n in nodes if n._op)


def frames(root, count):
    """`count` step frames: the labels change every frame (as a lesson's steps do)."""
    nodes = list(trace(root)[0])
    grads = [n.grad for n in nodes]
    for k in range(count):
        for n, g in zip(nodes, grads):
            n.grad = g * (k + 1) / count
        draw_dot(root).pipe(format='svg')


# --- the scalar engine workload ---------------------------------------------
PER_SAMPLE = None


def scalar_mlp(target_nodes, seed=0):
    """Builds MLP(2, [16, 16, 1]) over a batch sized so the graph has ~target_nodes
    Values, sums the squared errors and runs backward. Returns the number of Values."""
    rng = random.Random(seed)
    random.seed(seed)
    model = MLP(2, [16, 16, 1])
    batch = max(1, round((target_nodes - 338) / 648))
    total = 0
    for _ in range(batch):
        x = [Value(rng.uniform(-1, 1)), Value(rng.uniform(-1, 1))]
        y = Value(1.0 if rng.random() < 0.5 else -1.0)
        total = total + (model(x) - y) ** 2
    total.backward()
    return total


def scalar_nodes(target_nodes):
    return count_values(scalar_mlp(target_nodes))


def scalar_run(target_nodes, repeats, gc_on):
    if gc_on:
        gc.enable()
    else:
        gc.disable()
    try:
        times = timeit(lambda: scalar_mlp(target_nodes), repeats)
    finally:
        gc.enable()
    return times


# --- the eval script workload --------------------------------------------------
def load_script(path):
    """Translates a scalar graph script to Python: leaves become Values, ^ becomes **."""
    lines = []
    for raw in open(path):
        line = raw.split('#')[0].strip()
        if not line:
            continue
        name, expr = [s.strip() for s in line.split('=', 1)]
        if re.fullmatch(r'-?[0-9.eE+-]+', expr):
            lines.append(f"{name} = Value({expr})")
        else:
            lines.append(f"{name} = {expr.replace('^', '**')}")
        last = name
    lines.append(f"{last}.backward()")
    return compile("\n".join(lines), path, "exec"), len(lines) - 1


def main():
    quick = arg_quick()
    args = sys.argv[1:]
    if args and args[0] == "rss":
        n = int(args[1])
        gc.disable()
        before = rss_bytes()
        root = scalar_mlp(n)
        nodes = count_values(root)
        emit({"rss": {"nodes": nodes, "bytes": peak_rss_bytes() - before}})
        return

    results = {}
    reps = 3 if quick else 7

    sizes = [("scalar-10k", 10_000), ("scalar-100k", 100_000)] + ([] if quick else [("scalar-1M", 1_000_000)])
    for key, n in sizes:
        nodes = scalar_nodes(n)
        r = reps if n <= 100_000 else 3
        results[key] = series(scalar_run(n, r, gc_on=False), nodes=nodes, gc="off")
    results["scalar-100k-gc"] = series(scalar_run(100_000, 3, gc_on=True), nodes=scalar_nodes(100_000), gc="on")

    if "--eval-script" in args:
        path = args[args.index("--eval-script") + 1]
        code, statements = load_script(path)

        def run():
            exec(code, {"Value": Value, "relu": lambda v: v.relu()})
        gc.disable()
        results["eval-10k"] = series(timeit(run, reps), statements=statements, gc="off")
        gc.enable()
        results["eval-10k-gc"] = series(timeit(run, reps), statements=statements, gc="on")

    if "--skip-figures" not in args:
        root = apples()
        n_frames = 20
        t = timeit(lambda: frames(root, n_frames), 2 if quick else 5)
        results["frames-apples"] = series(t, "s/frame", 1 / n_frames, frames=n_frames,
                                          graphviz_nodes=graphviz_node_count(root))
        root = small_mlp()
        t = timeit(lambda: frames(root, n_frames), 2 if quick else 5)
        results["frames-mlp"] = series(t, "s/frame", 1 / n_frames, frames=n_frames,
                                       graphviz_nodes=graphviz_node_count(root), values=count_values(root))
        root = big_mlp()
        t = timeit(lambda: draw_dot(root).pipe(format='svg'), 1 if quick else 3, warmup=0 if quick else 1)
        results["big-graph"] = series(t, graphviz_nodes=graphviz_node_count(root))
    emit(results)


if __name__ == "__main__":
    main()
