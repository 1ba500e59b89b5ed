"""Training speed of the keras engine's fit (our streaming callback, checkpoints, pause/stop gate) against plain
`model.fit` of the same model and data in the same Python: python bench.py REQUEST.json, one JSON line per
measurement on stdout. Synthetic data of the model's shapes, resident in memory, after a warm-up epoch."""

import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import keras  # noqa: E402
from train import Stream  # noqa: E402


class _Control:
    stop = None
    running = threading.Event()


_Control.running.set()


def measure(model_path, batch, seconds, with_engine):
    keras.utils.set_random_seed(0)
    model = keras.saving.load_model(model_path, compile=False, safe_mode=True)
    shape = tuple(model.inputs[0].shape[1:])
    classes = int(model.outputs[0].shape[-1])
    steps = 25
    n = batch * steps
    x = np.random.default_rng(0).random((n, *shape), dtype=np.float32)
    y = np.random.default_rng(1).integers(0, classes, size=(n,)).astype("int32")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    out = tempfile.mkdtemp(prefix="model-studio-bench-")
    epochs = [1]

    def callbacks():
        if not with_engine:
            return []
        job = {"batchSize": batch, "epochs": epochs[0], "initialEpoch": 0, "out": out, "monitor": ("loss", "auto"), "batchEventMs": 100}
        sink = open(os.devnull, "w")
        return [Stream(job, _Control, lambda obj: sink.write(json.dumps(obj)), Exception, lambda m, p: m.save(p), lambda: 0, steps, n)]

    model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0, callbacks=callbacks())  # warm-up (compile)
    t0 = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0, callbacks=callbacks())
    one = max(time.perf_counter() - t0, 1e-6)
    epochs[0] = max(1, int(seconds / one))
    t0 = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=epochs[0], shuffle=True, verbose=0, callbacks=callbacks())
    elapsed = time.perf_counter() - t0
    return n * epochs[0] / elapsed, 1000 * elapsed / (steps * epochs[0])


def main(request):
    with open(request) as f:
        req = json.load(f)
    for m in req["models"]:
        for batch in req["batches"]:
            plain = measure(m["path"], batch, req["seconds"], False)
            engine = measure(m["path"], batch, req["seconds"], True)
            base = {"bench": "train", "device": req["device"], "model": m["id"], "batch": batch}
            print(json.dumps({**base, "engine": "keras-plain-fit", "samples_per_s": plain[0], "ms_per_step": plain[1]}), flush=True)
            print(json.dumps({**base, "engine": "keras", "samples_per_s": engine[0], "ms_per_step": engine[1], "ratio_to_plain_fit": engine[0] / plain[0]}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
