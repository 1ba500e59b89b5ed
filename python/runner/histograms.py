"""Per-epoch weight and activation histograms for every layer, streamed as {"type": "histograms", "items": [...]}
lines; the worker writes them into the run's TensorBoard events as it does the tfjs engine's. Same meaning as
src/engine/tfjs/training/histograms.ts: weights without biases, activations on the first `samples` rows of a
fixed sample (validation data when there is some), `bins` equal-width bins between the finite min and max."""

import numpy as np

import keras


def bin_values(values, bins):
    """{min, max, counts}: binValues in histograms.ts (a value on the top edge goes into the last bin)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"min": 0.0, "max": 0.0, "counts": [0] * bins}
    lo, hi = float(v.min()), float(v.max())
    width = (hi - lo) / bins or 1.0
    index = np.minimum(bins - 1, np.floor((v - lo) / width).astype(np.int64))
    return {"min": lo, "max": hi, "counts": np.bincount(index, minlength=bins).tolist()}


def settings(name, args):
    """(freq, bins, samples) of a Histograms callback (freq 1 by default), or of a TensorBoard callback with a
    histogram_freq above 0 (Keras' default 0: none); None when it makes no histograms."""
    freq = args.get("freq", args.get("histogram_freq", 1 if name == "Histograms" else 0))
    if not freq or float(freq) <= 0:
        return None
    return max(1, int(freq)), int(args.get("bins", 30)), int(args.get("samples", 256))


class Histograms(keras.callbacks.Callback):
    def __init__(self, freq, bins, samples, x, initial_epoch, emit, activations=True):
        super().__init__()
        self.freq, self.bins, self.emit, self.initial_epoch = freq, bins, emit, initial_epoch
        self.x = x[: min(len(x), samples)]
        self.activations = activations
        self.probe = None

    def _probe(self):
        """A model with every layer's output as an output (a layer used twice has no single output: skipped)."""
        if self.probe is None:
            names, outputs = [], []
            for layer in self.model.layers:
                try:
                    out = layer.output
                except (AttributeError, ValueError):
                    continue
                if isinstance(out, (list, tuple)) or isinstance(layer, keras.layers.InputLayer):
                    continue
                names.append(layer.name)
                outputs.append(out)
            self.probe = (names, keras.Model(self.model.inputs, outputs)) if outputs else ([], None)
        return self.probe

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1 - self.initial_epoch) % self.freq != 0:
            return
        items = []
        for layer in self.model.layers:
            ws = [w for w in layer.weights if not w.path.endswith("bias")]
            if ws:
                values = np.concatenate([np.asarray(keras.ops.convert_to_numpy(w.value), dtype=np.float32).ravel() for w in ws])
                items.append({"epoch": epoch + 1, "layer": layer.name, "kind": "weights", **bin_values(values, self.bins)})
        names, probe = self._probe() if self.activations and len(self.x) else ([], None)
        if probe is not None:
            outs = probe(self.x, training=False)
            for name, out in zip(names, outs if isinstance(outs, (list, tuple)) else [outs]):
                items.append({"epoch": epoch + 1, "layer": name, "kind": "activations", **bin_values(keras.ops.convert_to_numpy(out), self.bins)})
        self.emit({"type": "histograms", "items": items})
