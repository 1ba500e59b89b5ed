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


def plan(side, seconds, max_steps):
    """Steps per epoch (4 to max_steps) and epochs per fit so that one fit takes about `seconds`."""
    steps = max(4, min(max_steps, int(seconds / (side.fit(1, 2) / 2))))
    return steps, max(1, int(seconds / side.fit(1, steps)))


def measure(model_path, batch, seconds, repeats, epoch_samples):
    """Plain fit and the engine's fit of the same model and data, interleaved (plain, engine, plain, ...) so a
    change of load on a shared machine hits both; medians over `repeats` pairs. An epoch is the real epoch's
    steps, or as many as fit in `seconds` when fewer (at least 4: a slow model on a slow machine would otherwise
    take minutes a fit)."""
    max_steps = max(4, -(-epoch_samples // batch))
    plain, engine = Side(model_path, batch, max_steps, False), Side(model_path, batch, max_steps, True)
    for side in (plain, engine):
        side.fit(1, 2)  # warm-up: compilation
    steps, epochs = plan(plain, seconds, max_steps)
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


class TorchSide:
    """The same model in PyTorch (the script `model-studio code --style pytorch` writes), trained as a PyTorch
    user would: resident tensors, Adam with Keras' defaults, the cross-entropy of the softmax output."""

    def __init__(self, entry, batch, steps):
        import importlib.util

        import torch

        self.torch = torch
        torch.manual_seed(0)
        spec = importlib.util.spec_from_file_location("bench_torch_model", entry["torch"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.model = module.build_model()
        # The shapes from the Keras file of the same model (the script's module has no shape attribute).
        reference = keras.saving.load_model(entry["path"], compile=False, safe_mode=True)
        shape = tuple(reference.inputs[0].shape[1:])
        classes = int(reference.outputs[0].shape[-1])
        self.n = batch * steps
        self.x = torch.from_numpy(np.random.default_rng(0).random((self.n, *shape), dtype=np.float32))
        self.y = torch.from_numpy(np.random.default_rng(1).integers(0, classes, size=(self.n,)).astype("int64"))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3, eps=1e-7)
        self.batch = batch

    def fit(self, epochs, steps):
        torch = self.torch
        t0 = time.perf_counter()
        for _ in range(epochs):
            order = torch.randperm(self.batch * steps)
            for i in range(steps):
                idx = order[i * self.batch : (i + 1) * self.batch]
                self.opt.zero_grad(set_to_none=True)
                p = self.model(self.x[idx]).clamp(1e-7, 1 - 1e-7)
                loss = torch.nn.functional.nll_loss(torch.log(p), self.y[idx])
                loss.backward()
                self.opt.step()
        return max(time.perf_counter() - t0, 1e-6)


def serve(request, max_steps=100):
    """Peers for `model-studio bench --python`: one JSON request a line on stdin ({side: keras|torch, model,
    batch, seconds}), one line back ({samples_per_s}), so the caller interleaves them with its own
    measurements. A side is built and warmed up on its first request and kept."""
    with open(request) as f:
        req = json.load(f)
    paths = {m["id"]: m for m in req["models"]}
    sides = {}
    for line in sys.stdin:
        ask = json.loads(line)
        key = (ask["side"], ask["model"], ask["batch"])
        if key not in sides:
            m = paths[ask["model"]]
            side = Side(m["path"], ask["batch"], max_steps, False) if ask["side"] == "keras" else TorchSide(m, ask["batch"], max_steps)
            side.fit(1, 2)  # warm-up: compilation, allocator
            sides[key] = (side, plan(side, ask["seconds"], max_steps))
        side, (steps, epochs) = sides[key]
        rate = ask["batch"] * steps * epochs / side.fit(epochs, steps)
        print(json.dumps({"samples_per_s": rate, "steps": steps * epochs}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve(sys.argv[2])
    else:
        main(sys.argv[1])
