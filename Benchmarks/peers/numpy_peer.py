"""The NumPy side of chainrule-bench: a two-layer network in the style of
Deep Learning from Scratch (ch. 5): Affine → ReLU → Affine → SoftmaxWithLoss,
64 → 50 → 10, on the digits data (Lessons/data/digits.csv), float64.

    python numpy_peer.py [--quick]

  twolayer-sgd      one SGD iteration: a random batch of 100, forward, backprop,
                    parameter update (lr 0.1)
  twolayer-numgrad  one full numerical gradient of the loss on a batch of 100
                    with respect to W1, b1, W2, b2 (3,760 parameters, central
                    differences, two forward passes each) — DLfS's
                    numerical_gradient
"""
import os

import numpy as np

from common import REPO, arg_quick, emit, series, timeit


def load_digits():
    path = os.path.join(REPO, "Lessons", "data", "digits.csv")
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    x = data[:, :64] / 16.0
    t = data[:, 64].astype(np.int64)
    return x, t


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy_error(y, t):
    n = y.shape[0]
    return -np.sum(np.log(y[np.arange(n), t] + 1e-7)) / n


class TwoLayerNet:
    def __init__(self, rng, input_size=64, hidden_size=50, output_size=10, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def loss(self, x, t):
        p = self.params
        h = np.maximum(x @ p["W1"] + p["b1"], 0)
        return cross_entropy_error(softmax(h @ p["W2"] + p["b2"]), t)

    def gradient(self, x, t):
        """Backprop, layer by layer (Affine, Relu, Affine, SoftmaxWithLoss)."""
        p = self.params
        a1 = x @ p["W1"] + p["b1"]
        mask = a1 <= 0
        h = a1.copy()
        h[mask] = 0
        y = softmax(h @ p["W2"] + p["b2"])
        loss = cross_entropy_error(y, t)
        n = x.shape[0]
        dz = y.copy()
        dz[np.arange(n), t] -= 1
        dz /= n
        grads = {"W2": h.T @ dz, "b2": dz.sum(axis=0)}
        dh = dz @ p["W2"].T
        dh[mask] = 0
        grads["W1"] = x.T @ dh
        grads["b1"] = dh.sum(axis=0)
        return loss, grads

    def numerical_gradient(self, x, t, h=1e-4):
        grads = {}
        for key, w in self.params.items():
            g = np.zeros_like(w)
            it = np.nditer(w, flags=["multi_index"], op_flags=["readwrite"])
            while not it.finished:
                i = it.multi_index
                old = w[i]
                w[i] = old + h
                fp = self.loss(x, t)
                w[i] = old - h
                fm = self.loss(x, t)
                w[i] = old
                g[i] = (fp - fm) / (2 * h)
                it.iternext()
            grads[key] = g
        return grads


def main():
    quick = arg_quick()
    x_all, t_all = load_digits()
    rng = np.random.default_rng(0)
    net = TwoLayerNet(rng)
    batches = [rng.choice(len(x_all), 100, replace=False) for _ in range(64)]
    state = {"k": 0}

    def sgd_step():
        idx = batches[state["k"] % len(batches)]
        state["k"] += 1
        _, grads = net.gradient(x_all[idx], t_all[idx])
        for key in net.params:
            net.params[key] -= 0.1 * grads[key]

    # Each timed sample is a block of iterations (so timer overhead does not count).
    block = 50
    t = timeit(lambda: [sgd_step() for _ in range(block)], 5 if quick else 15, warmup=2)
    results = {"twolayer-sgd": series(t, "s/iteration", 1 / block, batch=100, block=block)}

    xb, tb = x_all[batches[0]], t_all[batches[0]]
    t = timeit(lambda: net.numerical_gradient(xb, tb), 1 if quick else 3, warmup=0 if quick else 1)
    n_params = sum(w.size for w in net.params.values())
    results["twolayer-numgrad"] = series(t, parameters=int(n_params))
    results["_numpy"] = {"version": np.__version__,
                         "blas": _blas_name()}
    emit(results)


def _blas_name():
    try:
        cfg = np.show_config(mode="dicts")
        return cfg["Build Dependencies"]["blas"]["name"]
    except Exception:
        return "unknown"


if __name__ == "__main__":
    main()
