"""One job: load the .keras model (safe_mode on), compile it from our config, fit with a streaming callback."""

import math
import os
import sys
import threading
import time

import numpy as np

import keras
import table
from cluster_stop import Agreement, AgreedControl
from histograms import Histograms


def load_data(job):
    """The arrays the worker wrote (one implementation of each dataset meaning: the worker's)."""
    d = job["data"]
    folder = d["folder"]
    if d.get("multi"):
        return load_multi(job)

    def arr(name):
        return np.load(os.path.join(folder, d[name]), allow_pickle=False) if d.get(name) else None

    def targets(y):
        # Class indices with a one-hot loss: one-hot them, as the tfjs engine does (the loss decides).
        if y is not None and d.get("labels") == "class" and job["loss"] in ("categorical_crossentropy",):
            return keras.utils.to_categorical(y, d["numClasses"]).astype("float32")
        return y

    def split(name):
        # (x, y, sample_weight): Keras' validation_data and evaluate take the weights as a third element.
        if not d.get("x_" + name):
            return None
        return (arr("x_" + name), targets(arr("y_" + name)), arr("w_" + name))

    return split("train"), split("val"), split("test")


def load_multi(job):
    """A model with several inputs and outputs: each split's arrays as dicts keyed by layer name, as Keras' fit
    takes them; class indices one-hot for an output whose loss is categorical_crossentropy (as the tfjs engine)."""
    d = job["data"]
    losses = {o["name"]: o["loss"] for o in job["outputs"]}

    def arr(name):
        return np.load(os.path.join(d["folder"], name), allow_pickle=False)

    def target(layer, name):
        y = arr(name)
        if layer in d.get("classes", {}) and losses[layer] == "categorical_crossentropy":
            return keras.utils.to_categorical(y, d["classes"][layer]).astype("float32")
        return y

    def split(s):
        if not s:
            return None
        return ({k: arr(v) for k, v in s["x"].items()}, {k: target(k, v) for k, v in s["y"].items()}, arr(s["w"]) if s.get("w") else None)

    m = d["multi"]
    return split(m["train"]), split(m.get("val")), split(m.get("test"))


def as_lists(model, split):
    """Dict targets as a list in the model's output order, the per-sample weights once per output: Keras 3.15's
    fit fails on dict targets with sample weights (KeyError: 0), and takes lists."""
    if split is None or not isinstance(split[1], dict):
        return split
    x, y, w = split
    return x, [y[n] for n in model.output_names], None if w is None else [w] * len(model.output_names)


def rows(x):
    """Samples in x: an array, or a dict of arrays (several inputs)."""
    return len(next(iter(x.values()))) if isinstance(x, dict) else len(x)


def compile_args(job, schedule):
    """Keras' compile arguments: one loss and metrics list, or dicts keyed by output name (several outputs:
    keras/src/trainers/compile_utils.py CompileLoss sums loss_weight x each output's loss)."""
    opt = table.optimizer(job["optimizer"], schedule, set(job.get("optimizerFloatParams", ())))
    outs = job.get("outputs")
    if not outs:
        return {"optimizer": opt, "loss": table.loss(job["loss"], job.get("lossOptions")), "metrics": table.metrics(job.get("metrics", []))}
    return {"optimizer": opt, "loss": {o["name"]: table.loss(o["loss"], o.get("lossOptions")) for o in outs},
            "loss_weights": {o["name"]: float(o["weight"]) for o in outs}, "metrics": {o["name"]: table.metrics(o["metrics"]) for o in outs}}


# Steps the training thread may dispatch ahead of the computation (see Stream.on_train_batch_begin).
MAX_AHEAD = 8


class Stream(keras.callbacks.Callback):
    """Batch events from Keras' callback thread (no sync per batch on the training thread), epoch events,
    checkpoints, pause and stop before each batch."""

    async_safe = True

    def __init__(self, job, control, emit, stop_now, save, rss, steps_per_epoch, samples, per_pass=None):
        super().__init__()
        self.job, self.control, self.emit, self.stop_now, self.save, self.rss = job, control, emit, stop_now, save, rss
        self.steps = steps_per_epoch
        self.samples = samples
        # Batches in one pass over the data (None: every epoch is one pass of steps_per_epoch batches).
        self.per_pass = per_pass or steps_per_epoch
        self.pass_seen = 0
        self.every = job.get("batchEventMs", 100) / 1000.0
        self.last_event = 0.0
        self.epoch = 0
        self.completed = job.get("initialEpoch", 0)
        self.step_base = 0
        self.lr = None
        self.snapshot = None
        self.best = None
        self.last_save = 0.0
        self.save_seconds = 0.0
        self.dispatched = 0
        self.finished = 0
        self.finished_cv = threading.Condition()
        self.history = []
        self.last_epoch_seconds = 0.0
        self.stopped_in_epoch = None

    def _lr(self):
        try:
            return float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        except Exception:  # noqa: BLE001
            return None

    def on_train_begin(self, logs=None):
        self.snapshot = self.model.get_weights()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.t0 = time.perf_counter()
        self.lr = self._lr()

    def on_train_batch_begin(self, batch, logs=None):
        # JAX dispatches steps asynchronously: without a bound the training thread runs a whole epoch ahead of
        # the computation (it waits only at the epoch's end), and Stop would be seen an epoch late. Keep at most
        # MAX_AHEAD steps queued: the device stays busy, and Stop takes effect within those steps.
        self.dispatched += 1
        with self.finished_cv:
            while self.dispatched - self.finished > MAX_AHEAD and not self.control.stop:
                if not self.finished_cv.wait(timeout=5.0):
                    break
        if self.control.stop or not self.control.running.is_set():
            if self.control.stop:
                self.stopped_in_epoch = (self.epoch + 1, batch)
            self.control.gate()

    def on_train_batch_end(self, batch, logs=None):
        # Called once the step's logs are computed (on Keras' callback thread when dispatch is asynchronous).
        with self.finished_cv:
            self.finished += 1
            self.finished_cv.notify_all()
        now = time.perf_counter()
        if now - self.last_event < self.every:
            return
        self.last_event = now
        done = batch + 1
        rate = done * self.job["batchSize"] / max(now - self.t0, 1e-6)
        left = (self.steps - done + (self.job["epochs"] - self.epoch - 1) * self.steps) * self.job["batchSize"]
        self.emit({"type": "batch", "epoch": self.epoch + 1, "batch": done, "batches": self.steps, "step": self.step_base + done,
                   "metrics": clean(logs), "lr": self.lr, "samplesPerSec": rate, "etaSeconds": left / max(rate, 1e-9)})

    def _epoch_batches(self):
        """Batches the epoch ran, as Keras' EpochIterator counts them (keras/src/trainers/epoch_iterator.py): with
        steps_per_epoch the pass over the data continues across epochs, and an epoch ends where the pass runs out."""
        ran = min(self.steps, self.per_pass - self.pass_seen)
        self.pass_seen = 0 if self.pass_seen + ran >= self.per_pass else self.pass_seen + ran
        return ran

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.t0
        ran = self._epoch_batches()
        self.step_base += ran
        samples = self.samples if ran == self.steps else self.samples * ran / self.steps
        self.completed = epoch + 1
        self.last_epoch_seconds = seconds
        metrics = clean(logs)
        point = {"type": "epoch", "epoch": epoch + 1, "step": self.step_base, "metrics": metrics, "lr": self.lr,
                 "samplesPerSec": samples / max(seconds, 1e-6), "seconds": seconds,
                 "etaSeconds": (self.job["epochs"] - epoch - 1) * seconds, "memory": {"tensorBytes": 0, "rssBytes": self.rss()}}
        self.history.append(point)
        self.emit(point)
        self.snapshot = self.model.get_weights()
        self.checkpoint(epoch + 1, metrics)

    def checkpoint(self, epoch, metrics):
        key, mode = self.job["monitor"]
        value = metrics.get(key)
        lower = mode == "min" or (mode != "max" and not ("acc" in key or key.endswith("auc")))
        improved = value is not None and (self.best is None or (value < self.best if lower else value > self.best))
        if improved:
            self.best = value
        # At most one save every 2 s, and at most 2% of the time in saves (50 x the last save's duration): a
        # long run must not spend its time writing files. A best epoch that falls in between is not kept on its
        # own; the next save and the final weights are.
        now = time.perf_counter()
        if now - self.last_save < max(2.0, 50 * self.save_seconds):
            return
        path = os.path.join(self.job["out"], "checkpoint.keras")
        self.save(self.model, path)
        self.last_save = time.perf_counter()
        self.save_seconds = self.last_save - now
        self.emit({"type": "checkpoint", "epoch": epoch, "kinds": ["last", "best"] if improved else ["last"], "path": path, "metrics": metrics})


def clean(logs):
    out = {}
    for k, v in (logs or {}).items():
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        out[k] = f if math.isfinite(f) else None
    return out


def distribution(job, log):
    """Keras' own distribution: DataParallel over local devices (--devices), or over the devices of several
    processes joined by keras.distribution.initialize (--coordinator). Returns (process id, process count)."""
    n, cluster = job.get("devices"), job.get("cluster")
    if (not n or n == 1) and not cluster:
        return 0, 1
    if keras.backend.backend() != "jax":
        what = "Training on several machines" if cluster else "--devices"
        raise table.UserError("%s needs the JAX backend (this Python uses %s)." % (what, keras.backend.backend()),
                              "Set KERAS_BACKEND=jax, or train on one device.", "bad-option")
    if cluster:
        pid, count = cluster["processId"], cluster["processes"]
        log("Process %d of %d: joining %s (keras.distribution.initialize)..." % (pid, count, cluster["coordinator"]))
        keras.distribution.initialize(cluster["coordinator"], count, pid)
        devices = keras.distribution.list_devices()
        # Each process feeds its own rows (shard below): Keras must not shard them again.
        keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices, auto_shard_dataset=False))
        log("Data-parallel over %d devices in %d processes: %s" % (len(devices), count, ", ".join(str(d) for d in devices)))
        return pid, count
    devices = keras.distribution.list_devices()
    count = len(devices) if n == "all" else int(n)
    if count > len(devices):
        raise table.UserError("%d devices asked for, %d found." % (count, len(devices)), "Use --devices %d or fewer." % len(devices), "bad-option")
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices[:count]))
    log("Data-parallel over %d devices: %s" % (count, ", ".join(str(d) for d in devices[:count])))
    return 0, 1


def shard(split, batch, pid, count):
    """This process's rows of every global batch: global batch k is the processes' k-th local batches in
    process order (jax.make_array_from_process_local_data), so process p takes rows [kB + pB/n, kB + (p+1)B/n).
    A last partial batch is dropped: every process must run the same number of steps."""
    if split is None or count == 1:
        return split
    x = split[0]
    steps = rows(x) // batch
    if steps == 0:
        raise table.UserError("%d samples are fewer than one global batch of %d." % (rows(x), batch), "Use a smaller batch size.", "bad-option")
    local = batch // count

    def take(a):
        if isinstance(a, dict):
            return {k: take(v) for k, v in a.items()}
        return a[: steps * batch].reshape(steps, count, local, *a.shape[1:])[:, pid].reshape(steps * local, *a.shape[1:])

    # (x, y) or (x, y, sample_weight); a missing weight array stays None.
    return tuple(None if a is None else take(a) for a in split)


def with_policy(model, policy, log):
    """The model to train under a mixed-precision policy, and the float32 model its weights are saved through
    (the .keras files we read back stay as we wrote them). A loaded layer keeps the dtype saved in its config,
    so the model is cloned without it under the global policy; output layers stay float32, as Keras' mixed
    precision guide advises for numeric stability (a softmax in bfloat16 loses the small probabilities)."""
    if not policy:
        return model, model
    keras.mixed_precision.set_global_policy(policy)
    outputs = {id(t._keras_history.operation) for t in model.outputs}

    def clone(layer):
        config = layer.get_config()
        if id(layer) not in outputs:
            config.pop("dtype", None)
        return layer.__class__.from_config(config)

    mixed = keras.models.clone_model(model, clone_function=clone)
    mixed.set_weights(model.get_weights())
    computed = sorted({l.compute_dtype for l in mixed.layers if l.weights})
    log("Mixed precision: %s (layers compute in %s, variables %s; output layers in float32)."
        % (keras.mixed_precision.global_policy().name, ", ".join(computed), mixed.weights[0].dtype if mixed.weights else "float32"))
    return mixed, model


def _saving_through(saved, save):
    def save_as(model, path):
        saved.set_weights(model.get_weights())
        save(saved, path)

    return save_as


def _metrics_from_process_0(emit):
    """The other processes of a cluster send no batch, epoch or checkpoint lines (process 0 does)."""
    return lambda obj: None if obj.get("type") in ("batch", "epoch", "checkpoint") else emit(obj)


def adapt_normalizations(model, x, log):
    """layer.adapt(x) on the training rows for each Normalization never adapted (its mean still zeros and its
    variance ones, no mean/variance in its config) and fed by the model's only input, as the tfjs engine does
    (src/engine/tfjs/normalizationAdapt.ts); before sharding, so every process adapts on the same rows."""
    for layer in model.layers:
        if not isinstance(layer, keras.layers.Normalization) or layer.input_mean is not None:
            continue
        mean, variance = np.asarray(layer.adapt_mean), np.asarray(layer.adapt_variance)
        if not (np.all(mean == 0) and np.all(variance == 1)):
            continue
        if len(model.inputs) != 1 or layer.input is not model.inputs[0]:
            log("Normalization '%s' is not adapted: only a Normalization fed by the model's input is adapted on the training rows (set its mean and variance instead)." % layer.name)
            continue
        layer.adapt(np.asarray(x, dtype="float32"))
        log("Normalization '%s' adapted on the %d training rows (as layer.adapt(x) in Keras)." % (layer.name, len(x)))


def fast_first_save():
    """Keras' first save asks whether TensorFlow is installed (serialization_lib: `tf.available and isinstance(obj,
    tf.TensorShape)`), which imports all of TensorFlow when it is: 4.1 s measured here, and a Stop before the first
    checkpoint waited for it in the final save, past Stop's 2 s. On another backend no TensorFlow object can exist
    until something imports TensorFlow, so the question is answered "only if it is already imported": exact, and
    free. The tensorflow backend is left alone (it has imported TensorFlow anyway)."""
    if keras.backend.backend() == "tensorflow":
        return
    try:
        from keras.src.utils import module_utils
    except ImportError:  # another Keras layout: keep its own behaviour
        return
    lazy = module_utils.tensorflow
    base = type(lazy)
    if not isinstance(getattr(base, "available", None), property):
        return

    class ImportedOnly(base):
        @property
        def available(self):
            return "tensorflow" in sys.modules and base.available.fget(self)

    lazy.__class__ = ImportedOnly


def train(job, control, emit, log, stop_now, save, rss):
    fast_first_save()
    if job.get("seed") is not None:
        keras.utils.set_random_seed(int(job["seed"]))
    pid, count = distribution(job, log)
    model, saved = with_policy(keras.saving.load_model(job["model"], compile=False, safe_mode=True), job.get("mixedPrecision"), log)
    if saved is not model:
        save = _saving_through(saved, save)
    (x, y, w), val, test = load_data(job)
    adapt_normalizations(model, x, log)
    bs = job["batchSize"]
    if count > 1:
        dropped = rows(x) % bs
        (x, y, w), val, test = shard((x, y, w), bs, pid, count), shard(val, bs, pid, count), shard(test, bs, pid, count)
        log("Process %d trains %d rows: %d of each global batch of %d%s." % (pid, rows(x), bs // count, bs,
            ", the last %d samples are left out" % dropped if dropped else ""))
        if pid != 0:
            log("Process %d of %d: metrics and checkpoints come from process 0." % (pid, count))
        bs = bs // count
    (x, y, w), val, test = as_lists(model, (x, y, w)), as_lists(model, val), as_lists(model, test)
    # Keras' validation_data takes the weights as a third element only when there are some.
    val = val if val is None or val[2] is not None else val[:2]
    keras_callbacks, schedule, monitor, hist = table.callbacks(job.get("callbacks"), val is not None, log)
    job["monitor"] = monitor
    model.compile(**compile_args(job, schedule))
    # Keras' steps_per_epoch with arrays: the pass continues across epochs; an epoch is never longer than a pass.
    per_pass = math.ceil(rows(x) / bs)
    steps = min(job.get("stepsPerEpoch") or math.inf, per_pass)
    samples = min(rows(x), steps * bs) * count
    # Several processes stop together, at a step they agree on (cluster_stop.py).
    agreement = [Agreement(AgreedControl(control, pid, log))] if count > 1 else []
    stream = Stream(job, agreement[0].control if agreement else control, emit if pid == 0 else _metrics_from_process_0(emit), stop_now, save, rss, steps, samples, per_pass)
    if hist and pid == 0:
        if count > 1:
            log("Histograms: weights only (activations would need every process).")
        # After the streaming callback: an epoch's histograms follow its epoch line, as on the tfjs engine.
        keras_callbacks_after = [Histograms(*hist, (val or (x, y))[0], job.get("initialEpoch", 0), emit, activations=count == 1)]
    else:
        keras_callbacks_after = []
    status, weights, message = "done", "final", None
    try:
        model.fit(x, y, sample_weight=w, batch_size=bs, epochs=job["epochs"], validation_data=val, shuffle=job.get("shuffle", True),
                  initial_epoch=job.get("initialEpoch", 0), steps_per_epoch=job.get("stepsPerEpoch"), callbacks=[*keras_callbacks, *agreement, stream, *keras_callbacks_after], verbose=0)
    except stop_now:
        status = "stopped"
        where = stream.stopped_in_epoch
        if control.stop == "epoch":
            model.set_weights(stream.snapshot)
            weights = "last-epoch"
        else:
            weights = "last-batch"
        if where:
            message = "Stopped in epoch %d after %d batches." % where
    early = next((c for c in keras_callbacks if isinstance(c, keras.callbacks.EarlyStopping)), None)
    last = stream.history[-1]["metrics"] if stream.history else {}
    if status == "done" and stream.history and last.get("loss") is None:
        status, message = "nan", "The loss became NaN in epoch %d." % stream.history[-1]["epoch"]
    elif status == "done" and early is not None and early.stopped_epoch > 0:
        status = "early-stopped"
        message = "Early stopping: %s did not improve for %d epoch(s)." % (early.monitor, early.patience)
        weights = "best" if early.restore_best_weights and early.best_weights is not None else "final"
    final = os.path.join(job["out"], "final.keras")
    save(model, final)
    result = {"type": "done", "status": status, "epochs": stream.completed, "weights": weights, "message": message, "path": final}
    if status in ("done", "early-stopped") and test is not None:
        result["test"] = {k: float(v) for k, v in model.evaluate(test[0], test[1], sample_weight=test[2], batch_size=bs, verbose=0, return_dict=True).items()}
    return result
