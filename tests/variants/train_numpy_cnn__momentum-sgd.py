# ruff: noqa: F821 (im2col, conv2d_backward_manual and maxpool_backward_manual are the notebook's own, defined in its earlier cells)
import numpy as np


def train_numpy_cnn(x_train, y_train, x_test, y_test):
    # Another design: 6 filters, batches of 64, SGD with momentum, the pooled features from
    # maxpool_manual-style slicing; the backward passes are the notebook's own functions.
    rng = np.random.default_rng(1)
    xs = np.asarray(x_train, dtype=float)
    ys = np.asarray(y_train, dtype=int)
    n, h, w, c = xs.shape
    f = 6
    params = {
        "k": rng.normal(size=(3, 3, c, f)) * np.sqrt(2.0 / (9 * c)),
        "b": np.zeros(f),
        "W": rng.normal(size=(((h - 2) // 2) * ((w - 2) // 2) * f, 10)) * 0.1,
        "d": np.zeros(10),
    }
    velocity = {name: np.zeros_like(value) for name, value in params.items()}

    def scores_of(x):
        z = np.einsum("nhwk,kf->nhwf", im2col(x, (3, 3)), params["k"].reshape(-1, f)) + params["b"]
        a = np.where(z > 0, z, 0.0)
        hp, wp = (h - 2) // 2, (w - 2) // 2
        pooled = np.max([a[:, u : 2 * hp : 2, v : 2 * wp : 2, :] for u in (0, 1) for v in (0, 1)], axis=0)
        return z, a, pooled, pooled.reshape(len(x), -1) @ params["W"] + params["d"]

    losses = []
    for _ in range(10):
        order = rng.permutation(n)
        epoch = []
        for batch in np.array_split(order, n // 64):
            x, y = xs[batch], ys[batch]
            z, a, pooled, s = scores_of(x)
            p = np.exp(s - s.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            epoch.append(-np.mean(np.log(p[np.arange(len(y)), y])))
            g = p.copy()
            g[np.arange(len(y)), y] -= 1
            g /= len(y)
            grads = {"W": pooled.reshape(len(x), -1).T @ g, "d": g.sum(axis=0)}
            da = maxpool_backward_manual((g @ params["W"].T).reshape(pooled.shape), a, 2)
            _, grads["k"], grads["b"] = conv2d_backward_manual(da * (z > 0), x, params["k"])
            for name in params:
                velocity[name] = 0.9 * velocity[name] - 0.05 * grads[name]
                params[name] += velocity[name]
        losses.append(float(np.mean(epoch)))
    predicted = scores_of(np.asarray(x_test, dtype=float))[3].argmax(axis=1)
    return {
        "accuracy": float((predicted == np.asarray(y_test)).mean()),
        "losses": losses,
        "params": sum(int(v.size) for v in params.values()),
    }
