"""Runs real Keras 3 on models Model Studio wrote: for each case, load its .keras file (never compiling
custom code: safe_mode stays on) and predict on its input .npy, writing the output .npy beside it.

stdin: JSON {"cases": [{"id", "model", "x": [input .npy paths], "y"}]}; stdout: JSON {"results": {id: {"ok": bool, "error"?}}}.
One process for all cases: importing Keras and JAX costs seconds.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def run(case):
    model = keras.saving.load_model(case["model"], compile=False)
    xs = [np.load(p) for p in case["x"]]
    # A direct call runs eagerly: predict() would compile each of the ~140 one-layer models first.
    y = model(xs[0] if len(xs) == 1 else xs, training=False)
    np.save(case["y"], np.asarray(keras.ops.convert_to_numpy(y), dtype=np.float32))


def main():
    request = json.load(sys.stdin)
    results = {}
    for case in request["cases"]:
        try:
            run(case)
            results[case["id"]] = {"ok": True}
        except Exception as e:  # a case Keras refuses is a result, not a crash of the suite
            results[case["id"]] = {"ok": False, "error": f"{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}"}
    json.dump({"keras": keras.__version__, "backend": keras.backend.backend(), "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
