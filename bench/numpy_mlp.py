"""
The NumPy side of `npm run bench` (bench/numpy.ts starts it; not meant to be run by hand):

    OPENBLAS_NUM_THREADS=1 python3 bench/numpy_mlp.py <data dir>

A float64 multilayer perceptron written with NumPy only, the same network and the same update as
numnet's (and Keras 3's, whose equations it follows):

  forward   z = a·W + b; a = sigmoid(z) = 1/(1 + e^(-z)) or relu(z) = max(z, 0) on hidden layers,
            softmax(z) = e^(z - max z) / sum e^(z - max z) on the last one
  loss      categorical crossentropy with Keras's probability clipping (keras/src/backend/numpy/nn.py,
            categorical_crossentropy): p = out / sum(out), clip(p, 1e-7, 1 - 1e-7),
            L = mean over the batch of -sum(y log p)
  backward  the fused softmax-crossentropy gradient dL/dz = (p sum(y) - y) / B (what TensorFlow's
            softmax_cross_entropy_with_logits gives, which Keras uses for a softmax output); then per
            layer dW = aᵀ·dz, db = sum over the batch of dz, da = dz·Wᵀ, dz = da ⊙ φ'(z) with
            sigmoid' = a(1 - a) and relu' = [a > 0]
  update    SGD: W ← W - lr·dW (keras/src/optimizers/sgd.py without momentum); Adam in numnet's form
            (src/optimizers/adam.ts): m ← β1 m + (1 - β1) g, v ← β2 v + (1 - β2) g²,
            W ← W - lr (m / (1 - β1^t)) / (sqrt(v / (1 - β2^t)) + ε)

It reads the training digits once (x.f64, y.f64: raw little-endian float64, shapes in meta.json),
then answers JSON requests, one per line on stdin, one JSON reply per line on stdout:

  {"op": "info"}                        versions and OpenBLAS's thread count
  {"op": "check", "dir": d}             one step (SGD) or steps (Adam) from numnet's initial weights on
                                        numnet's batch (files in d, see check()), compared with numnet's
                                        weights after them; and the loss decreasing over 100 SGD steps
  {"op": "train", "id", "sizes", "hidden", "optimizer", "lr", "batch", "start", "samples"}
                                        samples/batch steps of the model `id` (made on first use:
                                        Glorot-uniform kernels, zero biases), from sample `start`
  {"op": "predict", "id", … as train}  forward passes on one sample for about `ms` milliseconds
  {"op": "gemm", "m", "n", "k", "ms"}   C = A·B (np.matmul into a preallocated C) for about ms milliseconds

Times are wall (time.perf_counter) and CPU (time.process_time) of this process, in milliseconds,
measured around the work only (not the request and reply).
"""
import ctypes
import json
import os
import platform
import sys
import time
import traceback

import numpy as np

EPSILON = 1e-7  # Keras's backend epsilon, the crossentropy's clipping bound


def read(path, shape):
    return np.fromfile(path, dtype="<f8").reshape(shape)


class Mlp:
    """Dense layers: hidden ones with `hidden` (sigmoid or relu), the last with softmax."""

    def __init__(self, weights, hidden, optimizer, lr):
        self.W = [np.ascontiguousarray(w) for w in weights[0::2]]
        self.b = [np.ascontiguousarray(b) for b in weights[1::2]]
        self.hidden = hidden
        self.optimizer = optimizer
        self.lr = lr
        self.t = 0
        params = self.W + self.b
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    @staticmethod
    def glorot(sizes, seed):
        rng = np.random.default_rng(seed)
        weights = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            weights += [rng.uniform(-limit, limit, (fan_in, fan_out)), np.zeros(fan_out)]
        return weights

    def forward(self, x):
        """Every layer's output a (a[0] = x); the last is the softmax."""
        acts = [x]
        last = len(self.W) - 1
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = acts[-1] @ W
            z += b
            if i < last and self.hidden == "sigmoid":
                np.exp(np.negative(z, out=z), out=z)  # inf for z < -709 (overflow warnings off): 1/(1 + inf) = 0
                z += 1.0
                np.reciprocal(z, out=z)
            elif i < last:
                np.maximum(z, 0.0, out=z)
            else:
                z -= z.max(axis=1, keepdims=True)
                np.exp(z, out=z)
                z /= z.sum(axis=1, keepdims=True)
            acts.append(z)
        return acts

    @staticmethod
    def loss(y, out):
        p = np.clip(out / out.sum(axis=1, keepdims=True), EPSILON, 1.0 - EPSILON)
        return float(np.mean(-np.sum(y * np.log(p), axis=1)))

    def step(self, x, y):
        """One training step on the batch (x, y); returns the loss before the update."""
        acts = self.forward(x)
        out = acts[-1]
        loss = self.loss(y, out)
        g = (out * y.sum(axis=1, keepdims=True) - y) / x.shape[0]
        grads_W, grads_b = [None] * len(self.W), [None] * len(self.W)
        for i in range(len(self.W) - 1, -1, -1):
            grads_W[i] = acts[i].T @ g
            grads_b[i] = g.sum(axis=0)
            if i > 0:
                g = g @ self.W[i].T
                a = acts[i]
                g *= a * (1.0 - a) if self.hidden == "sigmoid" else (a > 0)
        self.update(self.W + self.b, grads_W + grads_b)
        return loss

    def update(self, params, grads):
        lr = self.lr
        if self.optimizer == "sgd":
            for w, g in zip(params, grads):
                w -= lr * g
            return
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-7
        c1, c2 = 1.0 - b1**self.t, 1.0 - b2**self.t
        for w, g, m, v in zip(params, grads, self.m, self.v):
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            w -= (lr * (m / c1)) / (np.sqrt(v / c2) + eps)

    def weights(self):
        return [p for pair in zip(self.W, self.b) for p in pair]


class Server:
    def __init__(self, data_dir):
        meta = json.load(open(os.path.join(data_dir, "meta.json")))
        self.x = read(os.path.join(data_dir, "x.f64"), (meta["n"], meta["features"]))
        self.y = read(os.path.join(data_dir, "y.f64"), (meta["n"], meta["classes"]))
        self.models = {}

    def info(self, _):
        return {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "blas": blas_info(),
            "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
        }

    def check(self, r):
        """numnet's steps against ours from the same weights on the same batches, then the loss over 100 steps."""
        d = r["dir"]
        c = json.load(open(os.path.join(d, "check.json")))
        x = read(os.path.join(d, "x.f64"), (c["rows"], c["sizes"][0]))
        y = read(os.path.join(d, "y.f64"), (c["rows"], c["sizes"][-1]))
        shapes = [s for a, b in zip(c["sizes"][:-1], c["sizes"][1:]) for s in ((a, b), (b,))]
        w0 = [read(os.path.join(d, f"w0_{i}.f64"), s) for i, s in enumerate(shapes)]
        w1 = [read(os.path.join(d, f"w1_{i}.f64"), s) for i, s in enumerate(shapes)]
        model = Mlp([w.copy() for w in w0], c["hidden"], c["optimizer"], c["lr"])
        B = c["batch"]
        losses = [model.step(x[i * B:(i + 1) * B], y[i * B:(i + 1) * B]) for i in range(c["steps"])]
        weight_diff = max(float(np.max(np.abs(a - b))) for a, b in zip(model.weights(), w1))
        loss_diff = max(abs(a - b) for a, b in zip(losses, c["losses"]))
        # The loss decreases: 100 SGD steps over the first 100 batches, loss of those 3,200 samples before and after.
        fresh = Mlp([w.copy() for w in w0], c["hidden"], "sgd", c["sgd_lr"])
        n = min(100 * B, self.x.shape[0])
        before = fresh.loss(self.y[:n], fresh.forward(self.x[:n])[-1])
        for i in range(n // B):
            fresh.step(self.x[i * B:(i + 1) * B], self.y[i * B:(i + 1) * B])
        after = fresh.loss(self.y[:n], fresh.forward(self.x[:n])[-1])
        return {"weightDiff": weight_diff, "lossDiff": loss_diff, "lossBefore": before, "lossAfter": after,
                "ok": weight_diff <= 1e-12 and loss_diff <= 1e-12 and after < before}

    def model(self, r):
        """The model `id`, made on first use from the request's sizes, hidden, optimizer and lr."""
        m = self.models.get(r["id"])
        if m is None:
            m = self.models[r["id"]] = Mlp(Mlp.glorot(r["sizes"], 1), r["hidden"], r["optimizer"], r["lr"])
        return m

    def train(self, r):
        m = self.model(r)
        B, X, Y = r["batch"], self.x, self.y
        batches = X.shape[0] // B
        first = r["start"] // B
        t0, c0 = time.perf_counter(), time.process_time()
        for s in range(r["samples"] // B):
            i = ((first + s) % batches) * B
            loss = m.step(X[i:i + B], Y[i:i + B])
        return {"wall": (time.perf_counter() - t0) * 1e3, "cpu": (time.process_time() - c0) * 1e3, "loss": loss}

    def predict(self, r):
        m = self.model(r)
        x = self.x[:1]
        calls, limit = 0, r["ms"] / 1e3
        t0, c0 = time.perf_counter(), time.process_time()
        while True:
            m.forward(x)
            calls += 1
            wall = time.perf_counter() - t0
            if wall > limit:
                break
        return {"wall": wall * 1e3, "cpu": (time.process_time() - c0) * 1e3, "calls": calls}

    def gemm(self, r):
        rng = np.random.default_rng(1)
        A, B = rng.random((r["m"], r["k"])) - 0.5, rng.random((r["k"], r["n"])) - 0.5
        C = np.empty((r["m"], r["n"]))
        np.matmul(A, B, out=C)
        reps, limit = 0, r["ms"] / 1e3
        t0, c0 = time.perf_counter(), time.process_time()
        while time.perf_counter() - t0 < limit:
            np.matmul(A, B, out=C)
            reps += 1
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        flop = 2.0 * r["m"] * r["n"] * r["k"] * reps
        return {"gflopWall": flop / wall / 1e9, "gflopCpu": flop / cpu / 1e9}


def blas_info():
    """OpenBLAS's configuration and thread count, read from the loaded library (Linux), else None."""
    try:
        paths = {p for p in open("/proc/self/maps").read().split() if "openblas" in p and p.endswith(".so")}
        lib = ctypes.CDLL(sorted(paths)[0])
        for prefix, suffix in (("scipy_openblas", "64_"), ("openblas", "64_"), ("openblas", "")):
            if hasattr(lib, f"{prefix}_get_num_threads{suffix}"):
                config = getattr(lib, f"{prefix}_get_config{suffix}")
                config.restype = ctypes.c_char_p
                return {"threads": getattr(lib, f"{prefix}_get_num_threads{suffix}")(), "config": config().decode()}
    except (OSError, IndexError, AttributeError):
        pass
    return None


OPS = ("info", "check", "train", "predict", "gemm")


def main():
    np.seterr(over="ignore")  # the sigmoid's e^(-z) may overflow to inf, which gives the exact 0
    server = Server(sys.argv[1])
    for line in sys.stdin:
        try:
            request = json.loads(line)
            if request.get("op") not in OPS:
                raise ValueError(f"unknown op {request.get('op')!r}, expected one of {OPS}")
            reply = getattr(server, request["op"])(request)
        except Exception:  # the reply carries the error to bench/numpy.ts, which throws it
            reply = {"error": traceback.format_exc()}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
