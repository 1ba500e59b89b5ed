"""Trains a tiny model in real Keras with its TensorBoard callback, so the suite can import the log folder.

stdin: JSON {"logdir", "epochs"}; stdout: JSON {"history": {metric: [value per epoch]}}.
"""
import contextlib
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def main():
    request = json.load(sys.stdin)
    keras.utils.set_random_seed(1)
    x = np.random.default_rng(1).uniform(-1, 1, (64, 3)).astype("float32")
    y = (x @ np.array([2.0, -1.0, 0.5], dtype="float32") > 0).astype("float32")[:, None]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    with contextlib.redirect_stdout(sys.stderr):
        history = model.fit(x, y, epochs=request["epochs"], batch_size=16, validation_split=0.25, verbose=0, callbacks=[keras.callbacks.TensorBoard(log_dir=request["logdir"])])
    json.dump({"history": {k: [float(v) for v in vs] for k, vs in history.history.items()}}, sys.stdout)


if __name__ == "__main__":
    main()
