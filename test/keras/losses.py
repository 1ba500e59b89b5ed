"""Real Keras 3 values of losses and metrics, and of small training runs, for test/keras/losses.test.ts.

stdin: JSON {"functions": [...], "fits": [...]}; stdout: JSON {"functions": {id: value | {"error"}}, "fits": {id: {...}}}.
functions: {"id", "kind": "loss"|"metric", "identifier": a name or {"class_name", "config"}, "accuracy": bool
(resolve 'accuracy' as compile does), "batches": [{"y_true", "y_pred", "int_labels", "sample_weight"?, "mask"?}]}.
The mask is attached to y_pred as a layer's output mask would be (backend.set_keras_mask).
fits: {"id", "model": .keras path, "x", "y" (.npy), "loss", "metrics", "lr", "steps", "batch_size",
"class_weight"?, "sample_weight"? (.npy)}: the loss of each SGD step (train_on_batch, before the update, as fit logs it), fit's
history over `steps` epochs on a second copy, and evaluate afterwards. `pre_step`: evaluate before each
step, the training metrics of a one-batch epoch where the JAX trainer drops the output mask (its fit computes
metrics on a y_pred that lost `_keras_mask`; the TensorFlow backend's fit and every evaluate keep it).
One process for all cases: importing Keras and JAX costs seconds.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.src import backend  # noqa: E402
from keras.src.trainers.compile_utils import get_metric  # noqa: E402


def arrays(b):
    yt = np.asarray(b["y_true"], dtype="int32" if b.get("int_labels") else "float32")
    yp = backend.convert_to_tensor(np.asarray(b["y_pred"], dtype="float32"))
    if b.get("mask") is not None:
        backend.set_keras_mask(yp, backend.convert_to_tensor(np.asarray(b["mask"], dtype="bool")))
    sw = None if b.get("sample_weight") is None else np.asarray(b["sample_weight"], dtype="float32")
    return yt, yp, sw


def run_function(case):
    if case["kind"] == "loss":
        loss = keras.losses.get(case["identifier"])
        yt, yp, sw = arrays(case["batches"][0])
        return float(loss(yt, yp, sample_weight=sw))
    metric = None
    for b in case["batches"]:
        yt, yp, sw = arrays(b)
        if metric is None:
            metric = get_metric(case["identifier"], yt, yp) if case.get("accuracy") else keras.metrics.get(case["identifier"])
        metric.update_state(yt, yp, sample_weight=sw)
    return {"value": float(metric.result()), "class": type(metric).__name__}


def run_fit(case):
    x = np.load(case["x"])
    y = np.load(case["y"])
    sw = np.load(case["sample_weight"]) if case.get("sample_weight") else None
    out = {}
    cw = None if case.get("class_weight") is None else {int(k): v for k, v in case["class_weight"].items()}
    for what in ("steps", "history"):
        model = keras.saving.load_model(case["model"], compile=False)
        loss = keras.losses.get(case["loss"]) if isinstance(case["loss"], dict) else case["loss"]
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=case["lr"]), loss=loss, metrics=case["metrics"])
        if what == "steps":
            out["step_losses"], out["pre_step"] = [], []
            for _ in range(case["steps"]):
                out["pre_step"].append({k: float(v) for k, v in model.evaluate(x, y, sample_weight=sw, batch_size=len(x), verbose=0, return_dict=True).items()})
                out["step_losses"].append(float(model.train_on_batch(x, y, sample_weight=sw, class_weight=cw, return_dict=True)["loss"]))
        else:
            h = model.fit(x, y, batch_size=case["batch_size"], epochs=case["steps"], shuffle=False, verbose=0, class_weight=cw, sample_weight=sw)
            out["history"] = {k: [float(v) for v in vs] for k, vs in h.history.items()}
            out["evaluate"] = {k: float(v) for k, v in model.evaluate(x, y, sample_weight=sw, batch_size=case["batch_size"], verbose=0, return_dict=True).items()}
    return out


def guarded(f, case):
    try:
        return f(case)
    except Exception as e:  # a case Keras refuses is a result, not a crash of the suite
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}"}


def main():
    request = json.load(sys.stdin)
    functions = {c["id"]: guarded(run_function, c) for c in request.get("functions", [])}
    fits = {c["id"]: guarded(run_fit, c) for c in request.get("fits", [])}
    json.dump({"keras": keras.__version__, "functions": functions, "fits": fits}, sys.stdout)


if __name__ == "__main__":
    main()
