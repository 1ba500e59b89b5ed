"""Model Studio's Keras engine probe: which Keras, which backend, which devices, as one JSON line on stdout.

Shipped inside the extension (python/runner/); runs in the user's Python. It never raises: every failure is a
JSON answer with a reason and what to install. The backend is the one Keras would use: KERAS_BACKEND, else
~/.keras/keras.json's "backend", else the first installed of jax, torch, tensorflow.
"""

import importlib.util
import json
import os
import sys

BACKENDS = ("jax", "torch", "tensorflow")


def answer(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def configured_backend():
    """(backend, where it came from) before keras is imported; backend None when nothing says."""
    env = os.environ.get("KERAS_BACKEND")
    if env:
        return env, "KERAS_BACKEND"
    keras_home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    path = os.path.join(keras_home, "keras.json")
    try:
        with open(path) as f:
            value = json.load(f).get("backend")
        if value:
            return value, path
    except (OSError, ValueError, AttributeError):
        pass
    return None, None


def installed_backends():
    return [b for b in BACKENDS if importlib.util.find_spec(b) is not None]


def devices(backend):
    """[{kind, name}] of the accelerators (or the CPU) the backend sees."""
    if backend == "jax":
        import jax

        return [{"kind": d.platform, "name": getattr(d, "device_kind", d.platform)} for d in jax.devices()]
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            return [{"kind": "gpu", "name": torch.cuda.get_device_name(i)} for i in range(torch.cuda.device_count())]
        return [{"kind": "cpu", "name": "cpu"}]
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            return [{"kind": "gpu", "name": tf.config.experimental.get_device_details(g).get("device_name", g.name)} for g in gpus]
        return [{"kind": "cpu", "name": "cpu"}]
    return [{"kind": "cpu", "name": "cpu"}]


def probe():
    py = "%d.%d.%d" % sys.version_info[:3]
    if importlib.util.find_spec("keras") is None:
        return {"ok": False, "code": "no-keras", "python": py, "reason": "Keras is not installed in this Python (%s)." % sys.executable,
                "hint": "Install Keras 3 and a backend: pip install keras jax (or torch, or tensorflow); or run Install Keras Engine..."}
    backend, source = configured_backend()
    installed = installed_backends()
    if backend is None:
        if not installed:
            return {"ok": False, "code": "no-backend", "python": py, "reason": "No Keras backend is installed (jax, torch or tensorflow).",
                    "hint": "pip install jax (or torch, or tensorflow)."}
        backend, source = installed[0], "installed"
    if backend not in BACKENDS:
        return {"ok": False, "code": "bad-backend", "python": py, "reason": "Keras backend %r (from %s) is not one this engine runs." % (backend, source),
                "hint": "Set KERAS_BACKEND to jax, torch or tensorflow."}
    if backend not in installed:
        return {"ok": False, "code": "no-backend", "python": py, "reason": "Keras is set to the %s backend (%s) but %s is not installed." % (backend, source, backend),
                "hint": "pip install %s, or set KERAS_BACKEND to one of: %s." % (backend, ", ".join(installed) or "jax, torch, tensorflow")}
    os.environ["KERAS_BACKEND"] = backend
    try:
        import keras
    except Exception as e:  # noqa: BLE001 - any import failure is a reason, not a crash
        return {"ok": False, "code": "keras-broken", "python": py, "reason": "Keras does not import: %s: %s" % (type(e).__name__, e),
                "hint": "Reinstall Keras 3 and its backend in this Python (pip install -U keras %s)." % backend}
    version = getattr(keras, "__version__", "0")
    if int(version.split(".")[0]) < 3:
        return {"ok": False, "code": "keras2", "python": py, "keras": version, "reason": "This Python has Keras %s; the engine needs Keras 3." % version,
                "hint": "pip install -U 'keras>=3' (Keras 2 / tf.keras code keeps working through tf_keras)."}
    try:
        devs = devices(backend)
    except Exception as e:  # noqa: BLE001
        return {"ok": False, "code": "backend-broken", "python": py, "keras": version, "reason": "The %s backend does not start: %s: %s" % (backend, type(e).__name__, e),
                "hint": "Reinstall %s in this Python." % backend}
    return {"ok": True, "python": py, "keras": version, "backend": backend, "backendSource": source, "devices": devs}


if __name__ == "__main__":
    try:
        answer(probe())
    except Exception as e:  # noqa: BLE001
        answer({"ok": False, "code": "probe-crashed", "reason": "The Keras probe failed: %s: %s" % (type(e).__name__, e), "hint": "Check this Python's installation."})
