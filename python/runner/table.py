"""Our training configuration -> Keras objects, in one table each (optimizers, losses, metrics, callbacks).

Names and defaults are Keras' own (src/core/training/config.ts, callbacks.ts keep the same ones); nothing here
re-implements a Keras object.
"""

import math

import keras
from histograms import settings as histogram_settings

OPTIMIZERS = {
    "sgd": keras.optimizers.SGD,
    "adagrad": keras.optimizers.Adagrad,
    "adadelta": keras.optimizers.Adadelta,
    "rmsprop": keras.optimizers.RMSprop,
    "adam": keras.optimizers.Adam,
    "adamax": keras.optimizers.Adamax,
}

LOSSES = {
    "mean_squared_error": keras.losses.MeanSquaredError,
    "mean_absolute_error": keras.losses.MeanAbsoluteError,
    "huber": keras.losses.Huber,
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
    "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
    "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
}

# Keras resolves these strings itself ("accuracy" picks the right accuracy for the loss and targets).
METRICS = {"accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "mae", "mse"}


class UserError(Exception):
    def __init__(self, message, hint=None, code="bad-option"):
        super().__init__(message)
        self.hint = hint
        self.code = code


def optimizer(cfg, schedule=None, float_params=()):
    name = cfg.get("name")
    if name not in OPTIMIZERS:
        raise UserError("Unknown optimizer %r." % name, "Use one of: %s." % ", ".join(OPTIMIZERS))
    params = {k: float(v) if k in float_params and isinstance(v, int) and not isinstance(v, bool) else v for k, v in (cfg.get("params") or {}).items()}
    if schedule is not None:
        params["learning_rate"] = schedule(params.get("learning_rate", 0.001))
    return OPTIMIZERS[name](**params)


def loss(name, options):
    if name not in LOSSES:
        raise UserError("Unknown loss %r." % name, "Use one of: %s." % ", ".join(LOSSES))
    kwargs = {k: v for k, v in (options or {}).items() if v is not None}
    if name != "huber":
        kwargs.pop("delta", None)
    if not name.endswith("crossentropy"):
        kwargs.pop("from_logits", None)
    return LOSSES[name](**kwargs)


def metrics(names):
    for m in names:
        if m not in METRICS:
            raise UserError("Unknown metric %r." % m, "Use one of: %s." % ", ".join(sorted(METRICS)))
    return list(names)


def _parts(c):
    """{class_name, config} or {name, ...args} -> (name, args); callbacks.ts `callbackParts`."""
    name = str(c.get("class_name") or c.get("name") or "")
    args = c["config"] if isinstance(c.get("config"), dict) else {k: v for k, v in c.items() if k not in ("name", "class_name")}
    return name, args


def _keep(args, allowed):
    return {k: v for k, v in args.items() if k in allowed}


def callbacks(specs, has_validation, log):
    """(keras callbacks, lr schedule for the optimizer or None, checkpoint monitor, histogram settings or None)."""
    out, schedule, monitor, histograms = [], None, None, None
    seen = set()
    for c in specs or []:
        name, args = _parts(c)
        if name in seen:
            continue
        seen.add(name)
        mon = args.get("monitor")
        if mon and mon.startswith("val_") and not has_validation:
            args = {**args, "monitor": mon[4:]}
            log("%s monitors %s (there is no validation data)." % (name, mon[4:]))
        if name == "EarlyStopping":
            out.append(keras.callbacks.EarlyStopping(**_keep(args, {"monitor", "min_delta", "patience", "mode", "baseline", "restore_best_weights", "start_from_epoch"})))
        elif name == "ReduceLROnPlateau":
            out.append(keras.callbacks.ReduceLROnPlateau(**_keep(args, {"monitor", "factor", "patience", "mode", "min_delta", "cooldown", "min_lr"})))
        elif name == "TerminateOnNaN":
            out.append(keras.callbacks.TerminateOnNaN())
        elif name == "StepDecay":
            # Ours (callbacks.ts): lr = lr0 * factor ** floor(epoch / step_size), set at the start of each epoch.
            factor, size = float(args.get("factor", 0.5)), max(1, int(args.get("step_size", 10)))
            out.append(keras.callbacks.LearningRateScheduler(lambda epoch, lr, _f=factor, _s=size, _st={}: _st.setdefault("lr0", lr) * _f ** math.floor(epoch / _s)))
        elif name == "ExponentialDecay" and schedule is None:
            kw = _keep(args, {"decay_steps", "decay_rate", "staircase"})
            schedule = lambda lr0, _kw=kw: keras.optimizers.schedules.ExponentialDecay(lr0, **{"decay_steps": 1000, "decay_rate": 0.96, **_kw})
        elif name == "ModelCheckpoint":
            monitor = (args.get("monitor") or ("val_loss" if has_validation else "loss"), args.get("mode", "auto"))
        elif name in ("Histograms", "TensorBoard"):
            histograms = histograms or histogram_settings(name, args)
        else:
            raise UserError("Unknown callback %r." % name, "Use EarlyStopping, ReduceLROnPlateau, StepDecay, ExponentialDecay, TerminateOnNaN or ModelCheckpoint.")
    if monitor is None:
        monitor = ("val_loss" if has_validation else "loss", "auto")
    return out, schedule, monitor, histograms
