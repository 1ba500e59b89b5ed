"""Runs the PyTorch code Model Studio generated: import the script, build_model() (which loads our weights from
the TF.js model.json), eval mode, forward on the case's inputs; the output .npy is written beside them.

With "train": also trains a fresh model with the script's own loop and reports its loss per epoch.

stdin: JSON {"cases": [{"id", "script", "x": [npy], "int": bool, "y", "train"?}]};
stdout: JSON {"results": {id: {"ok", "error"?, "losses"?}}}.
"""
import contextlib
import importlib.util
import json
import sys
import traceback

import numpy as np
import torch


def run(case):
    spec = importlib.util.spec_from_file_location(f"torch_case_{abs(hash(case['id']))}", case["script"])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = mod.build_model()
    model.eval()
    xs = [torch.from_numpy(np.load(p)) for p in case["x"]]
    if case.get("int"):
        xs = [x.long() for x in xs]
    with torch.no_grad():
        y = model(*xs)
    # Several outputs (the self-play templates' policy and value): each flattened per sample, side by side, as
    # codegen.py and forwardRun.ts do.
    if isinstance(y, (tuple, list)):
        y = torch.cat([o.reshape(len(o), -1) for o in y], dim=1)
    np.save(case["y"], y.numpy().astype(np.float32))
    if case.get("train"):
        torch.manual_seed(0)
        model = mod.build_model()
        return {"losses": mod.train(model, *mod.load_data())}
    return {}


def main():
    request = json.load(sys.stdin)
    results = {}
    for case in request["cases"]:
        try:
            with contextlib.redirect_stdout(sys.stderr):
                extra = run(case)
            results[case["id"]] = {"ok": True, **extra}
        except Exception as e:  # noqa: BLE001 - a failing script is a result of the suite
            tb = " / ".join(traceback.format_exc().splitlines()[-3:])
            results[case["id"]] = {"ok": False, "error": f"{type(e).__name__}: {str(e)[:400]} | {tb}"}
    json.dump({"torch": torch.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
