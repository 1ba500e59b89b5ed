"""Model Studio's Keras runner: trains one job with the user's Keras 3, streaming events as JSON lines.

Usage: python runner.py JOB.json   (shipped inside the extension, python/runner/; no package of ours to install)

The job names the .keras model the worker wrote, the data as .npy files, our training configuration (mapped to
Keras objects in table.py) and an output folder. stdout carries one JSON object per line: batch, epoch,
checkpoint, log, then done or error (src/engine/keras/protocol.ts reads them). stdin takes commands, one per
line: pause, resume, stop batch, stop epoch. Stop takes effect before the next batch: the weights are those of
the last completed batch (or, with "stop epoch", of the last completed epoch), then saved and reported.
"""

import json
import os
import sys
import threading
import traceback

from errors import describe

_out = sys.stdout
_lock = threading.Lock()
# Whatever Keras or a backend prints goes to stderr, so stdout stays ours.
sys.stdout = sys.stderr


def emit(obj):
    line = json.dumps(obj, allow_nan=True).replace("NaN", "null").replace("Infinity", "null")
    with _lock:
        _out.write(line + "\n")
        _out.flush()


def log(line):
    emit({"type": "log", "line": line})


class StopNow(Exception):
    """Raised before a batch when Stop arrived: fit ends with the weights of the last completed batch."""


class Control:
    def __init__(self):
        self.stop = None
        self.running = threading.Event()
        self.running.set()

    def read(self, stream):
        for raw in stream:
            cmd = raw.strip().split()
            if not cmd:
                continue
            if cmd[0] == "pause":
                self.running.clear()
            elif cmd[0] == "resume":
                self.running.set()
            elif cmd[0] == "stop":
                self.stop = cmd[1] if len(cmd) > 1 and cmd[1] in ("batch", "epoch") else "batch"
                self.running.set()
        # The worker went away: stop as soon as possible.
        if self.stop is None:
            self.stop = "batch"
        self.running.set()

    def gate(self):
        self.running.wait()
        if self.stop:
            raise StopNow()


def rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def save_atomic(model, path):
    tmp = path + ".tmp.keras"
    model.save(tmp)
    os.replace(tmp, path)
    save_weights_npz(model, path[: -len(".keras")] + ".weights.npz")


def save_weights_npz(model, path):
    """The weights again as LAYER/NAME arrays beside the .keras file: the worker reads them without parsing HDF5
    (a second or more on a loaded machine, which a Stop would wait for). Not written when two variables would
    share a key; the worker then reads the .keras file."""
    import numpy as np

    arrays = {}
    for layer in model.layers:
        for v in layer.weights:
            key = "%s/%s" % (layer.name, v.name)
            if key in arrays:
                return
            arrays[key] = np.asarray(v)
    tmp = path + ".tmp.npz"
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, path)


def main(job_path):
    with open(job_path) as f:
        job = json.load(f)
    control = Control()
    threading.Thread(target=control.read, args=(sys.stdin,), daemon=True).start()
    try:
        from train import train

        emit(train(job, control, emit, log, StopNow, save_atomic, rss_bytes))
        return 0
    except BaseException as e:  # noqa: BLE001 - every failure becomes one message
        if isinstance(e, KeyboardInterrupt):
            e = RuntimeError("interrupted")
        message, hint, code = describe(e)
        emit({"type": "error", "message": message, "hint": hint, "code": code, "trace": traceback.format_exc()[-4000:]})
        return 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: runner.py JOB.json\n")
        sys.exit(2)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    code = main(sys.argv[1])
    # Everything is saved (atomically) and the last line is written: leave without the interpreter's teardown
    # (JAX's and TensorFlow's threads and modules), time a Stop's result should not wait for.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
