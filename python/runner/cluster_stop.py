"""Stop and pause across the processes of a multi-machine run (keras.distribution.initialize).

Each process runs its own fit and meets the others in every step's gradient all-reduce: if one process stopped
alone, the others would wait in that collective for ever. So a Stop given to any process (the editor's Stop, or
Ctrl+C of a `model-studio train --process-id I`) takes effect in all of them at the same step: every SYNC_EVERY
steps each process contributes its local stop request to a tiny all-gather, and all act on the agreed one.
Stop of one batch wins over stop at the epoch's end (the faster request). Pause needs no agreement: a paused
process holds the others in the next collective.
"""

import threading

import numpy as np

import keras

# Steps between agreements: a Stop takes effect within this many steps (plus the steps already dispatched).
SYNC_EVERY = 10

# Stop requests as numbers, so the all-gather can take their maximum.
_CODES = {None: 0, "epoch": 1, "batch": 2}
_MODES = {v: k for k, v in _CODES.items()}


def _all_gather(code):
    # Imported here: only multi-process runs (JAX backend, checked before) reach this.
    from jax.experimental import multihost_utils

    return np.asarray(multihost_utils.process_allgather(np.array([code], dtype=np.int32))).reshape(-1)


class AgreedControl:
    """The Control that the streaming callback sees in a multi-process run: `stop` changes only at agreement
    steps, to the request agreed by every process, so that all of them stop at the same step."""

    def __init__(self, local, pid, log, gather=_all_gather):
        self.local = local
        self.pid = pid
        self.log = log
        self.gather = gather
        self.stop = None
        self.running = local.running
        self.steps = 0
        self.stopped_by = None

    def agree(self):
        """Called on the training thread before each step, in every process at the same steps."""
        self.steps += 1
        if self.stop is not None or (self.steps - 1) % SYNC_EVERY:
            return
        codes = self.gather(_CODES[self.local.stop])
        agreed = int(codes.max())
        if agreed:
            self.stop = _MODES[agreed]
            self.stopped_by = [int(p) for p in np.nonzero(codes)[0]]
            if self.local.stop is None:
                self.log("Process %d: stopping with process %s (Stop was given there)."
                         % (self.pid, ", ".join(str(p) for p in self.stopped_by)))
            # The local gate must see it too (a paused process resumes to stop).
            self.local.stop = self.stop
            self.local.running.set()

    def gate(self):
        self.running.wait()
        if self.stop:
            self.local.gate()


class Agreement(keras.callbacks.Callback):
    """Runs the agreement before each step; listed before the streaming callback, which then reads `stop`."""

    async_safe = True

    def __init__(self, control):
        super().__init__()
        self.control = control
        self.lock = threading.Lock()

    def on_train_batch_begin(self, batch, logs=None):
        with self.lock:
            self.control.agree()
