"""Plain Keras 3 `fit` of models Model Studio wrote, for the per-epoch comparison with our engine.

stdin: {"cases": [{"id", "model": .keras path, "data": .npz path (x, y, optionally w: sample weights), "optimizer": {"name", "params"},
"loss", "loss_options", "metrics", "epochs", "batch_size", "validation_split", "unweighted": ignore w, "steps_per_epoch"}]};
a model with several inputs and outputs instead gives "inputs": {layer: npz array} and "outputs": {layer: {"array", "loss",
"loss_options", "metrics", "weight"}}: compile with dicts keyed by output name, fit with dicts of arrays.
stdout: {"results": {id: {"history": {key: [per epoch]}} | {"error"}}}. No shuffling, as our run is told.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def optimizer(o):
    cls = type(keras.optimizers.get(o["name"]))
    # JSON has no int/float distinction; Keras' constructors insist on floats (SGD(learning_rate=1) fails).
    params = {k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v) for k, v in o["params"].items()}
    return cls(**params)


def loss(name, options):
    if not options:
        return name
    return keras.losses.LossFunctionWrapper(keras.losses.get(name), **options)


def run_multi(c):
    model = keras.saving.load_model(c["model"], compile=False)
    outs = c["outputs"]
    model.compile(optimizer=optimizer(c["optimizer"]), loss={k: loss(o["loss"], o.get("loss_options")) for k, o in outs.items()},
                  loss_weights={k: o["weight"] for k, o in outs.items()}, metrics={k: o["metrics"] for k, o in outs.items()})
    d = np.load(c["data"])
    x = {k: d[a] for k, a in c["inputs"].items()}
    # Targets and sample weights as lists in the model's output order: Keras 3.15 fails on dict targets with
    # sample weights (KeyError: 0).
    y = [d[outs[k]["array"]] for k in model.output_names]
    w = [d["w"]] * len(y) if "w" in d else None
    h = model.fit(x, y, sample_weight=w, batch_size=c["batch_size"], epochs=c["epochs"], shuffle=False,
                  validation_split=c["validation_split"], verbose=0)
    return {"history": {k: [float(v) for v in vs] for k, vs in h.history.items()}}


def run(c):
    if "outputs" in c:
        return run_multi(c)
    model = keras.saving.load_model(c["model"], compile=False)
    model.compile(optimizer=optimizer(c["optimizer"]), loss=loss(c["loss"], c.get("loss_options")), metrics=c["metrics"])
    d = np.load(c["data"])
    h = model.fit(d["x"], d["y"], sample_weight=d["w"] if "w" in d and not c.get("unweighted") else None, batch_size=c["batch_size"], epochs=c["epochs"], shuffle=False,
                  validation_split=c["validation_split"], steps_per_epoch=c.get("steps_per_epoch"), verbose=0)
    return {"history": {k: [float(v) for v in vs] for k, vs in h.history.items()}}


def main():
    out = {}
    for c in json.load(sys.stdin)["cases"]:
        try:
            out[c["id"]] = run(c)
        except Exception as e:  # reported per case
            out[c["id"]] = {"error": f"{type(e).__name__}: {str(e)[:400]}"}
    json.dump({"results": out}, sys.stdout)


if __name__ == "__main__":
    main()
