"""Statistics of Keras 3's initializers on large tensors, and the initial bias of an LSTM layer.

stdin: JSON {"cases": [{"id", "initializer": <Keras identifier or {class_name, config}>, "shape"}],
             "lstm": [{"id", "units", "features", "bias_initializer"}]}
stdout: JSON {"stats": {id: {"mean", "std", "maxAbs"}}, "lstm": {id: [bias values]}}
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def stats(case):
    init = keras.initializers.get(case["initializer"])
    x = np.asarray(init(tuple(case["shape"]), dtype="float32"), dtype=np.float64)
    return {"mean": float(x.mean()), "std": float(x.std()), "maxAbs": float(np.abs(x).max())}


def lstm_bias(case):
    layer = keras.layers.LSTM(case["units"], bias_initializer=case["bias_initializer"])
    layer.build((None, 3, case["features"]))
    return np.asarray(layer.cell.bias).astype(float).tolist()


def main():
    request = json.load(sys.stdin)
    keras.utils.set_random_seed(1)
    out = {
        "stats": {c["id"]: stats(c) for c in request["cases"]},
        "lstm": {c["id"]: lstm_bias(c) for c in request["lstm"]},
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
