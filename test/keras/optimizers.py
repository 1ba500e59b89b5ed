"""Runs real Keras 3 optimizers on fixed gradients: for each case, deserialize the optimizer from the
`training_config` text Model Studio writes in .h5 files (so Keras' names and arguments are checked too),
optionally with an ExponentialDecay schedule as its learning rate, and apply the given gradients step by step
(`optimizer.apply`), assigning `optimizer.learning_rate` between steps where the case says so (what
ReduceLROnPlateau does). Returns the weights after the last step.

stdin: JSON {"cases": [{"id", "training_config": JSON text, "weights": [{"shape", "values"}],
  "grads": [[values per weight] per step], "constraints"?: [{class_name, config} | null], "schedule"?: {ExponentialDecay args}, "set_lr"?: {step: lr}}]}
stdout: JSON {"keras", "backend", "results": {id: {"weights": [[values]]} | {"error"}}}.
One process for all cases: importing Keras and JAX costs seconds.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def make_optimizer(case):
    opt = keras.optimizers.deserialize(json.loads(case["training_config"])["optimizer_config"])
    schedule = case.get("schedule")
    if schedule:
        config = opt.get_config()
        # JSON's 1 is a Python int, and an int initial rate makes ExponentialDecay compute in integers.
        schedule = {**schedule, "initial_learning_rate": float(schedule["initial_learning_rate"])}
        config["learning_rate"] = keras.optimizers.schedules.ExponentialDecay(**schedule)
        opt = type(opt).from_config(config)
    return opt


def run(case):
    opt = make_optimizer(case)
    variables = [
        keras.Variable(np.asarray(w["values"], dtype=np.float32).reshape(w["shape"]))
        for w in case["weights"]
    ]
    for v, c in zip(variables, case.get("constraints") or []):
        if c:
            v.constraint = keras.constraints.deserialize(c)
    set_lr = case.get("set_lr") or {}
    for step, grads in enumerate(case["grads"]):
        if str(step) in set_lr:
            opt.learning_rate = set_lr[str(step)]
        gs = [
            np.asarray(g, dtype=np.float32).reshape(w["shape"])
            for g, w in zip(grads, case["weights"])
        ]
        opt.apply(gs, variables)
    assert int(opt.iterations.numpy()) == len(case["grads"])
    # JSON has no NaN: a non-finite weight comes back as null.
    return [
        [x if np.isfinite(x) else None for x in np.asarray(v.numpy(), dtype=np.float64).ravel().tolist()]
        for v in variables
    ]


def main():
    request = json.load(sys.stdin)
    results = {}
    for case in request["cases"]:
        try:
            results[case["id"]] = {"weights": run(case)}
        except Exception as e:  # a case Keras refuses is a result, not a crash of the suite
            results[case["id"]] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}"}
    json.dump({"keras": keras.__version__, "backend": keras.backend.backend(), "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
