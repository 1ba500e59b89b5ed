"""Real Keras 3 callbacks (EarlyStopping, ReduceLROnPlateau) fed a fixed sequence of epoch logs.

stdin: {"cases": [{"id", "kind": "EarlyStopping"|"ReduceLROnPlateau", "args": {...}, "logs": [{...}, ...],
"lr": float}]}; stdout: {"results": {id: {"stopped_at": epoch|null, "lrs": [lr after each epoch],
"best_epoch": int|null}}}. A tiny compiled model gives the callbacks the optimizer they act on.
"""
import json
import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402


def run(case):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=case["lr"]), loss="mse")
    cb = getattr(keras.callbacks, case["kind"])(**case["args"])
    cb.set_model(model)
    cb.on_train_begin()
    stopped, lrs = None, []
    for epoch, logs in enumerate(case["logs"]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cb.on_epoch_end(epoch, dict(logs))
        lrs.append(float(model.optimizer.learning_rate.numpy()))
        if model.stop_training:
            stopped = epoch
            break
    best_epoch = getattr(cb, "best_epoch", None) if case["kind"] == "EarlyStopping" else None
    return {"stopped_at": stopped, "lrs": lrs, "best_epoch": best_epoch}


def main():
    request = json.load(sys.stdin)
    json.dump({"results": {c["id"]: run(c) for c in request["cases"]}}, sys.stdout)


if __name__ == "__main__":
    main()
