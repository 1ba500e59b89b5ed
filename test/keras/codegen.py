"""Runs the Keras code Model Studio generated: for each case and style, import the script, build_model(),
load_weights() from our .keras file, compile_model(), then report the parameter count and each layer's output
shape and save the prediction on the case's inputs. A case may also run the script's __main__ (train).

stdin: JSON {"cases": [{"id", "model", "scripts": {style: path}, "x": [npy], "out": dir, "main"?: bool}]}
stdout: JSON {"results": {id: {style: {"ok", "error"?, "params"?, "shapes"?, "y"?}}}}
"""
import contextlib
import importlib.util
import json
import os
import runpy
import sys
import traceback

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build_recording_shapes(mod):
    """build_model(), recording each layer's output shape on the symbolic call that builds it (the layers of a
    subclassed model keep no `output` of their own)."""
    recorded = {}
    original = keras.layers.Layer.__call__

    def record(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        if hasattr(out, "shape"):  # a batch dimension may be a symbolic (non-int) size
            recorded[self.name] = [d if isinstance(d, int) else None for d in out.shape]
        return out

    keras.layers.Layer.__call__ = record
    try:
        model = mod.build_model()
    finally:
        keras.layers.Layer.__call__ = original
    return model, recorded


def shapes(model, recorded):
    out = {}
    for layer in model.layers:
        try:
            out[layer.name] = [None if d is None else int(d) for d in layer.output.shape]
        except Exception as e:  # noqa: BLE001
            out[layer.name] = recorded.get(layer.name, f"no output: {e}")
    return out


def side_by_side(y):
    """Several outputs (the self-play templates' policy and value): each flattened per sample, side by side, as forwardRun.ts predictOurs does."""
    if isinstance(y, (list, tuple)):
        return np.concatenate([np.reshape(o, (len(o), -1)) for o in y], axis=1)
    return y


def run_style(case, style, path, xs):
    mod = load(path, f"generated_{abs(hash(case['id']))}_{style}")
    model, recorded = build_recording_shapes(mod)
    if hasattr(mod, "load_weights"):
        mod.load_weights(model)
    mod.compile_model(model)
    y = model.predict(xs[0] if len(xs) == 1 else xs, verbose=0, batch_size=len(xs[0]))
    y = side_by_side(y)
    y_path = os.path.join(case["out"], f"y_{style}.npy")
    np.save(y_path, np.asarray(y, dtype=np.float32))
    result = {"ok": True, "params": int(model.count_params()), "shapes": shapes(model, recorded), "y": y_path}
    if case.get("main"):
        runpy.run_path(path, run_name="__main__")
        result["main"] = True
    return result


def main():
    request = json.load(sys.stdin)
    results = {}
    for case in request["cases"]:
        xs = [np.load(p) for p in case["x"]]
        results[case["id"]] = {}
        try:  # the reference: Keras itself on the .keras file we wrote
            ref = keras.saving.load_model(case["model"], compile=False)
            y = ref.predict(xs[0] if len(xs) == 1 else xs, verbose=0, batch_size=len(xs[0]))
            np.save(os.path.join(case["out"], "y_file.npy"), np.asarray(side_by_side(y), dtype=np.float32))
            results[case["id"]]["file"] = {"ok": True, "y": os.path.join(case["out"], "y_file.npy")}
        except Exception as e:  # noqa: BLE001
            results[case["id"]]["file"] = {"ok": False, "error": f"{type(e).__name__}: {str(e)[:400]}"}
        for style, path in case["scripts"].items():
            try:
                with contextlib.redirect_stdout(sys.stderr):
                    results[case["id"]][style] = run_style(case, style, path, xs)
            except Exception as e:  # noqa: BLE001 - a failing script is a result of the suite
                tb = traceback.format_exc().splitlines()[-4:]
                results[case["id"]][style] = {"ok": False, "error": f"{type(e).__name__}: {str(e)[:400]} | {' / '.join(tb)}"}
    json.dump({"keras": keras.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
