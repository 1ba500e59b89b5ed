"""The plain Keras side of test/keras/kerasEngine.test.ts: make a model and data, then fit them the way a user's
own script would (no Model Studio code), printing the per-epoch losses as JSON."""

import json
import os
import sys

import numpy as np

import keras


def make(req):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(req["n"], 4)).astype("float32")
    y = (x @ np.array([[1.5], [-2.0], [0.5], [1.0]], dtype="float32") + 0.3 + 0.1 * rng.normal(size=(req["n"], 1))).astype("float32")
    np.save(os.path.join(req["dir"], "x.npy"), x)
    np.save(os.path.join(req["dir"], "y.npy"), y)
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu", name="dense"), keras.layers.Dense(1, name="dense_1")], name="plain")
    model.save(os.path.join(req["dir"], "model.keras"))
    return {}


def fit(req):
    d = req["dir"]
    keras.utils.set_random_seed(req["seed"])
    model = keras.saving.load_model(os.path.join(d, "model.keras"), compile=False)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=req["lr"], momentum=0.9), loss="mean_squared_error", metrics=["mae"])
    x, y = np.load(os.path.join(d, "x.npy")), np.load(os.path.join(d, "y.npy"))
    h = model.fit(x, y, batch_size=req["batchSize"], epochs=req["epochs"], shuffle=True, verbose=0)
    return {"loss": [float(v) for v in h.history["loss"]], "mae": [float(v) for v in h.history["mae"]]}


if __name__ == "__main__":
    request = json.load(sys.stdin)
    print(json.dumps({"make": make, "fit": fit}[request["op"]](request)))
