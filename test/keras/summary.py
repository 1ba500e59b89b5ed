"""Keras 3's own `model.summary()` text for model files, at given terminal widths.

Request on stdin: {"files": [path, ...], "columns": [int, ...], "functional": path}. `functional` is where
Keras saves a two-input, two-output model of its own (for `model-studio summary` of a file Keras wrote).
Answer: {"summaries": {path: {columns: text}}}.
"""
import json
import os
import sys

import keras
from keras import layers


def summary(model, columns):
    # shutil.get_terminal_size reads COLUMNS on every call; print_fn captures without colours.
    os.environ["COLUMNS"] = str(columns)
    lines = []
    model.summary(print_fn=lambda text, **_: lines.append(text))
    return "".join(lines).rstrip("\n")


def keras_functional(path):
    image = keras.Input((8, 8, 1), name="image")
    meta = keras.Input((3,), name="metadata")
    x = layers.Conv2D(4, 3, activation="relu", name="conv")(image)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    h = layers.Concatenate(name="merge_image_and_metadata_features")([x, meta])
    h = layers.Dense(16, activation="relu", name="trunk")(h)
    h = layers.BatchNormalization(name="batch_normalization")(h)
    out_class = layers.Dense(5, activation="softmax", name="class_output")(h)
    out_value = layers.Dense(1, name="value_output")(h)
    keras.Model([image, meta], [out_class, out_value], name="image_and_metadata").save(path)


def main():
    request = json.load(sys.stdin)
    keras_functional(request["functional"])
    out = {}
    for path in request["files"] + [request["functional"]]:
        model = keras.saving.load_model(path, compile=False)
        out[path] = {str(c): summary(model, c) for c in request["columns"]}
    json.dump({"summaries": out}, sys.stdout)


if __name__ == "__main__":
    main()
