"""
The runner's save (python/runner/runner.py `save_atomic`) on models we wrote: request {"models": [PATH.keras]}; each
is loaded, given fresh random weights, and saved back to PATH.saved.keras by the runner's own function (which
writes PATH.saved.weights.npz beside it). Used by runnerWeights.test.ts.
"""
import json, os, sys
import numpy as np
answer = sys.stdout  # the runner module sends everything printed to stderr
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python", "runner"))
import keras
from runner import save_atomic

rng = np.random.default_rng(3)
out = []
for path in json.load(sys.stdin)["models"]:
    model = keras.saving.load_model(path)
    model.set_weights([rng.uniform(-1, 1, w.shape).astype(w.dtype) for w in model.get_weights()])
    saved = path[: -len(".keras")] + ".saved.keras"
    save_atomic(model, saved)
    out.append(saved)
answer.write(json.dumps(out))
