"""Training speed of the keras engine's fit (our streaming callback, checkpoints, pause/stop gate) against plain
`model.fit` of the same model and data in the same Python: python bench.py REQUEST.json, two JSON lines per
model and batch on stdout (medians of interleaved repeats, and their ratio). Synthetic data of the model's
shapes, resident in memory, after a warm-up. An epoch is the template's real one (MNIST's 54,000 training
samples: 422 steps at batch 128), so the engine's per-epoch work (epoch event, weight snapshot, checkpoint)
weighs what it weighs in a user's run; a model too slow for that within the time budget gets shorter epochs
(at least 4 steps), where that work weighs more than in a real run."""

import json
import os
import statistics
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


class Side:
    """One side of a pair: a compiled, warmed-up model and what it passes to fit (nothing, or our callbacks)."""

    def __init__(self, model_path, batch, steps, with_engine):
        keras.utils.set_random_seed(0)
        self.model = keras.saving.load_model(model_path, compile=False, safe_mode=True)
        shape = tuple(self.model.inputs[0].shape[1:])
        classes = int(self.model.outputs[0].shape[-1])
        self.n = batch * steps
        self.x = np.random.default_rng(0).random((self.n, *shape), dtype=np.float32)
        self.y = np.random.default_rng(1).integers(0, classes, size=(self.n,)).astype("int32")
        self.model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        self.batch, self.steps, self.with_engine = batch, steps, with_engine
        self.out = tempfile.mkdtemp(prefix="model-studio-bench-")
        self.sink = open(os.devnull, "w")
        self.stream = None

    def callbacks(self, epochs):
        """The runner's callback, one for all the fits of this side: the timed fits are one long run's slices
        (its checkpoint clock runs on), not a new run each, which would save a checkpoint at every first epoch."""
        if not self.with_engine:
            return []
        if self.stream is None:
            job = {"batchSize": self.batch, "epochs": epochs, "initialEpoch": 0, "out": self.out, "monitor": ("loss", "auto"), "batchEventMs": 100}
            self.stream = Stream(job, _Control, lambda obj: self.sink.write(json.dumps(obj)), Exception, lambda m, p: m.save(p), lambda: 0, self.steps, self.n)
        self.stream.job["epochs"] = epochs
        return [self.stream]

    def fit(self, epochs, steps):
        """Seconds for `epochs` epochs of `steps` steps (the first rows: a view, no copy)."""
        n = self.batch * steps
        t0 = time.perf_counter()
        self.model.fit(self.x[:n], self.y[:n], batch_size=self.batch, epochs=epochs, shuffle=True, verbose=0, callbacks=self.callbacks(epochs))
        return max(time.perf_counter() - t0, 1e-6)


def measure(model_path, batch, seconds, repeats, epoch_samples):
    """Plain fit and the engine's fit of the same model and data, interleaved (plain, engine, plain, ...) so a
    change of load on a shared machine hits both; medians over `repeats` pairs. An epoch is the real epoch's
    steps, or as many as fit in `seconds` when fewer (at least 4: a slow model on a slow machine would otherwise
    take minutes a fit)."""
    max_steps = max(4, -(-epoch_samples // batch))
    plain, engine = Side(model_path, batch, max_steps, False), Side(model_path, batch, max_steps, True)
    for side in (plain, engine):
        side.fit(1, 2)  # warm-up: compilation
    steps = max(4, min(max_steps, int(seconds / (plain.fit(1, 2) / 2))))
    epochs = max(1, int(seconds / plain.fit(1, steps)))
    rates = {"plain": [], "engine": []}
    for _ in range(repeats):
        for name, side in (("plain", plain), ("engine", engine)):
            rates[name].append(batch * steps * epochs / side.fit(epochs, steps))
    ratios = [e / p for e, p in zip(rates["engine"], rates["plain"])]
    ms = {k: 1000 * batch / statistics.median(v) for k, v in rates.items()}
    return rates, ratios, ms, epochs * steps, steps


def main(request):
    with open(request) as f:
        req = json.load(f)
    repeats = int(req.get("repeats", 5))
    for m in req["models"]:
        for batch in req["batches"]:
            rates, ratios, ms, steps, epoch_steps = measure(m["path"], batch, req["seconds"], repeats, m["epochSamples"])
            base = {"bench": "train", "device": req["device"], "model": m["id"], "batch": batch, "repeats": repeats, "steps_per_fit": steps,
                    "steps_per_epoch": epoch_steps}
            plain = statistics.median(rates["plain"])
            engine = statistics.median(rates["engine"])
            print(json.dumps({**base, "engine": "keras-plain-fit", "samples_per_s": plain, "ms_per_step": ms["plain"],
                              "samples_per_s_each": [round(r, 1) for r in rates["plain"]]}), flush=True)
            print(json.dumps({**base, "engine": "keras", "samples_per_s": engine, "ms_per_step": ms["engine"],
                              "samples_per_s_each": [round(r, 1) for r in rates["engine"]],
                              "ratio_to_plain_fit": engine / plain, "ratio_median_of_pairs": statistics.median(ratios),
                              "ratio_each_pair": [round(r, 3) for r in ratios]}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
