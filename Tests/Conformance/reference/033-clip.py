"""Independent float64 reference for cases/033-clip: NumPy, not chainrule.

Run `python3 Tests/Conformance/reference/033-clip.py > Tests/Conformance/cases/033-clip.json`.
The forward pass is np.clip; the backward pass is written by hand
(d clip / dx = 1 where lo <= x <= hi, ends included as in PyTorch's clamp,
else 0) and checked against central differences wherever x is not at an end.
"""
import json
import numpy as np

x = np.array([[-2, 0.5, 3], [0, 0.25, 1]], dtype=np.float64)
w = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64)


def forward(x, w):
    c = np.clip(x, 1e-7, 0.9999999)
    d = np.clip(w, 2, 5)
    return c, d, np.sum(np.log(c) * d)


c, d, L = forward(x, w)
mask_x = (x >= 1e-7) & (x <= 0.9999999)
mask_w = (w >= 2) & (w <= 5)
grad_c = d / c
grad_d = np.log(c)
grad_x = grad_c * mask_x
grad_w = grad_d * mask_w

# Central differences, with a step that stays on one side of each clip end
# (x is 1e-7 away from nothing but 0 and 1, so h = 1e-9 keeps 0 and 1 clipped).
for leaf, grad, h, ends in ((x, grad_x, 1e-9, ()), (w, grad_w, 1e-6, (2.0, 5.0))):
    for i in np.ndindex(leaf.shape):
        if leaf[i] in ends:
            continue  # at an end the derivative is one-sided: inside, 1
        up, down = leaf.copy(), leaf.copy()
        up[i] += h
        down[i] -= h
        args_up = (up, w) if leaf is x else (x, up)
        args_down = (down, w) if leaf is x else (x, down)
        numeric = (forward(*args_up)[2] - forward(*args_down)[2]) / (2 * h)
        assert abs(numeric - grad[i]) <= 1e-5 * max(1, abs(grad[i])), (i, numeric, grad[i])


def j(a):
    return a.tolist() if isinstance(a, np.ndarray) else float(a)


def entries(d):
    return ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in d.items())


values = {"x": j(x), "w": j(w), "c": j(c), "d": j(d), "L": j(L)}
grads = {"x": j(grad_x), "w": j(grad_w), "c": j(grad_c), "d": j(grad_d), "L": 1.0}
print('{\n  "output": "L",\n  "values": {\n' + entries(values) + '\n  },\n  "grads": {\n' + entries(grads) + '\n  }\n}')
