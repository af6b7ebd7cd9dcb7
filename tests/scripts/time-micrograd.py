"""Times micrograd's demo training step in Python, for docs/performance.md.

Usage: python3 tests/scripts/time-micrograd.py PATH/TO/FOLDER/WITH/engine.py/AND/nn.py

The folder is micrograd's own code (MIT), which this repository does not copy; this script imports it as
the package `micrograd`, loads the demo's data and initial weights from docs/data/micrograd, and reports
the median forward and backward time per step over 10 steps, with Python's garbage collector disabled
during the timed work (collected between steps), as the engine's benchmarks exclude nothing comparable.
"""
import gc
import os
import statistics
import sys
import tempfile
import time

source = os.path.abspath(sys.argv[1])
package = os.path.join(tempfile.mkdtemp(), "micrograd")
os.makedirs(package)
for name in ("engine.py", "nn.py"):
    with open(os.path.join(source, name)) as f, open(os.path.join(package, name), "w") as g:
        g.write(f.read())
open(os.path.join(package, "__init__.py"), "w").close()
sys.path.insert(0, os.path.dirname(package))
sys.setrecursionlimit(100000)

from micrograd.engine import Value  # noqa: E402
from micrograd.nn import MLP  # noqa: E402

data = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "data", "micrograd")
rows = [line.strip().split(",") for line in open(os.path.join(data, "moons.csv")).read().splitlines()[1:]]
X = [[float(a), float(b)] for a, b, _ in rows]
y = [float(c) for *_, c in rows]
model = MLP(2, [16, 16, 1])
for p, v in zip(model.parameters(), (float(l) for l in open(os.path.join(data, "init_params.txt")))):
    p.data = v


def loss():
    inputs = [list(map(Value, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
    return data_loss + reg_loss


forward, backward = [], []
for k in range(10):
    gc.disable()
    t0 = time.perf_counter()
    total = loss()
    t1 = time.perf_counter()
    model.zero_grad()
    total.backward()
    t2 = time.perf_counter()
    for p in model.parameters():
        p.data -= (1.0 - 0.9 * k / 100) * p.grad
    gc.enable()
    gc.collect()
    forward.append(t1 - t0)
    backward.append(t2 - t1)

f, b = statistics.median(forward) * 1000, statistics.median(backward) * 1000
print(f"micrograd step (median of 10): forward {f:.1f} ms, backward {b:.1f} ms, forward + backward {f + b:.1f} ms")
