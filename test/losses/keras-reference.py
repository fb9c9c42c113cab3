# The reference values of test/losses/keras-losses.test.ts (its table REF), printed as TypeScript.
# Run: python3 test/losses/keras-reference.py   (NumPy 2.4, mpmath 1.3; no numnet code involved)
#
# Values: NumPy in float64, following Keras 3's keras/src/losses/losses.py line by line (hinge,
# squared_hinge with convert_binary_labels_to_hinge; categorical_hinge; kl_divergence; poisson;
# log_cosh in its softplus form; cosine_similarity with keras/src/ops/nn.py's l2 normalize,
# x / sqrt(max(sum(x^2), epsilon^2)), epsilon = 1e-7 = keras.backend.epsilon()).
# Gradients: mpmath.diff (40 significant digits) of the same formulas written in mpmath, per element,
# divided by the batch size (Keras's "sum_over_batch_size" reduction).
import numpy as np, mpmath as mp, json
mp.mp.dps = 40
EPS = 1e-7

def hinge_labels(y):
    y = np.asarray(y, float)
    return 2*y-1 if np.all((y == 0) | (y == 1)) else y

def hinge(y, p): y = hinge_labels(y); return np.mean(np.maximum(1 - y*p, 0), axis=-1)
def squared_hinge(y, p): y = hinge_labels(y); return np.mean(np.square(np.maximum(1 - y*p, 0)), axis=-1)
def categorical_hinge(y, p):
    pos = np.sum(y*p, axis=-1); neg = np.max((1-y)*p, axis=-1); return np.maximum(neg-pos+1, 0)
def kl_divergence(y, p):
    y = np.clip(y, EPS, 1); p = np.clip(p, EPS, 1); return np.sum(y*np.log(y/p), axis=-1)
def poisson(y, p): return np.mean(p - y*np.log(p+EPS), axis=-1)
def log_cosh(y, p):
    x = p - y; return np.mean(x + np.logaddexp(0, -2*x) - np.log(2.0), axis=-1)
def normalize(x):
    ss = np.sum(np.square(x), axis=-1, keepdims=True); return x / np.sqrt(np.maximum(ss, EPS*EPS))
def cosine_similarity(y, p): return -np.sum(normalize(y)*normalize(p), axis=-1)

# the same in mpmath, for the gradients (y fixed, converted as Keras converts it)
def mp_row(name, y, p):
    n = len(p)
    if name == 'hinge': return sum(max(1 - y[j]*p[j], 0) for j in range(n)) / n
    if name == 'squared_hinge': return sum(max(1 - y[j]*p[j], 0)**2 for j in range(n)) / n
    if name == 'categorical_hinge':
        pos = sum(y[j]*p[j] for j in range(n)); neg = max((1-y[j])*p[j] for j in range(n)); return max(neg-pos+1, 0)
    if name == 'kl_divergence':
        c = lambda v: min(max(v, mp.mpf(EPS)), 1); return sum(c(y[j])*mp.log(c(y[j])/c(p[j])) for j in range(n))
    if name == 'poisson': return sum(p[j] - y[j]*mp.log(p[j]+mp.mpf(EPS)) for j in range(n)) / n
    if name == 'log_cosh': return sum(mp.log(mp.cosh(p[j]-y[j])) for j in range(n)) / n
    if name == 'cosine_similarity':
        ny = mp.sqrt(max(sum(v*v for v in y), mp.mpf(EPS)**2)); np_ = mp.sqrt(max(sum(v*v for v in p), mp.mpf(EPS)**2))
        return -sum((y[j]/ny)*(p[j]/np_) for j in range(n))

FN = dict(hinge=hinge, squared_hinge=squared_hinge, categorical_hinge=categorical_hinge, kl_divergence=kl_divergence,
          poisson=poisson, log_cosh=log_cosh, cosine_similarity=cosine_similarity)

def grad(name, y, p):
    y = np.asarray(y, float); p = np.asarray(p, float)
    yc = hinge_labels(y) if name in ('hinge', 'squared_hinge') else y
    B, n = p.shape; g = []
    for i in range(B):
        row = []
        for j in range(n):
            def f(v):
                q = [mp.mpf(x) for x in p[i]]; q[j] = v
                return mp_row(name, [mp.mpf(x) for x in yc[i]], q) / B
            row.append(float(mp.diff(f, mp.mpf(p[i, j]))))
        g.append(row)
    return g

CASES = {
  'hinge_signed': ('hinge', [[-1, 1, 1], [1, -1, -1]], [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]]),
  'hinge_binary': ('hinge', [[0, 1, 1], [1, 0, 0]], [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]]),
  'hinge_mixed': ('hinge', [[0, 1, -1], [1, 0.5, 0]], [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]]),
  'squared_hinge_signed': ('squared_hinge', [[-1, 1, 1], [1, -1, -1]], [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]]),
  'squared_hinge_binary': ('squared_hinge', [[0, 1, 1], [1, 0, 0]], [[0.3, -2.0, 1.5], [0.8, 0.1, -0.4]]),
  'categorical_hinge': ('categorical_hinge', [[0, 1, 0], [1, 0, 0], [0, 0, 1]], [[0.2, 0.5, 0.9], [3.0, 0.2, 0.4], [-0.3, 0.6, 0.1]]),
  'kl_divergence': ('kl_divergence', [[0.2, 0.5, 0.3], [0.0, 1.0, 0.0], [0.6, 0.4, 0.0]], [[0.3, 0.3, 0.4], [0.1, 0.7, 0.2], [0.25, 0.5, 0.25]]),
  'kl_divergence_clipped': ('kl_divergence', [[0.5, 0.5, 0.0], [1.2, -0.3, 0.1]], [[1.5, 1e-9, 0.5], [0.4, 0.3, -2.0]]),
  'poisson': ('poisson', [[0, 2, 5], [1, 0, 3]], [[0.5, 1.7, 4.2], [1.3, 0.01, 2.5]]),
  'log_cosh': ('log_cosh', [[0.0, 1.0, -2.0], [3.0, 0.0, 0.5]], [[0.5, -1.0, 50.0], [-800.0, 0.25, 0.5]]),
  'cosine_similarity': ('cosine_similarity', [[1.0, 2.0, -1.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0], [3.0, -1.0, 2.0]],
                        [[0.2, 0.7, 0.1], [-1.0, 2.0, 0.3], [1.0, 1.0, 1.0], [2e-8, -3e-8, 1e-8]]),
}
out = {}
for k, (name, y, p) in CASES.items():
    y = np.asarray(y, float); p = np.asarray(p, float)
    per = FN[name](y, p)
    out[k] = dict(perSample=per.tolist(), loss=float(np.mean(per)), grad=grad(name, y, p))

for k, v in out.items():
    name, y, p = CASES[k]
    print(f"  {k}: {{ yTrue: {json.dumps(y)}, yPred: {json.dumps(p)},")
    print(f"    perSample: {json.dumps(v['perSample'])}, loss: {json.dumps(v['loss'])},")
    print(f"    grad: {json.dumps(v['grad'])} }},")

