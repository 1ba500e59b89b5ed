"""Keras' side of the file tests (test/keras/files*.test.ts). One process, several jobs (importing Keras costs
seconds); each job is a small function, and a job's failure is reported as a result, not a crash.

stdin: JSON {"jobs": [{"kind", ...}]}; stdout: JSON {"results": [...]} in the same order.
- save_layer: build the one-layer model of a layer case, give it random weights, save .keras and .h5, predict.
- load_compiled: load_model of a file we wrote (compiled), report optimizer, loss and metrics, predict.
- json_weights: model_from_json + load_weights of a pair we wrote, predict.
- save_compiled: save a compiled model as .keras and .h5.
- save_renamed: legacy weights saved from a model whose layers are named otherwise than the JSON's.
- save_attention: a model with keras.layers.GroupQueryAttention (not in the catalog yet) saved as .keras.
- adapt_normalization: Normalization(axis).adapt(x) for several axes, the mean and variance.
- save_mha_calls: MultiHeadAttention called as Keras users call it (key=..., use_causal_mask=True), saved.
- train_steps: a few SGD steps (mse) of a .keras we wrote, the weights after them.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import h5py  # noqa: E402
import keras  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402


def randomize(model, seed):
    rng = np.random.default_rng(seed)
    for v in model.weights:
        shape = tuple(v.shape)
        if v.path.endswith("variance"):
            v.assign(0.5 + rng.random(shape).astype("float32"))
        elif "int" in str(v.dtype):  # Normalization's count
            v.assign(rng.integers(0, 100, shape).astype(v.dtype))
        else:
            v.assign(((rng.random(shape) - 0.5) * 1.2).astype("float32"))
    # Normalization computes from copies its finalize_state() makes (as load_own_variables does after a load).
    for layer in model.layers:
        if isinstance(layer, keras.layers.Normalization):
            layer.finalize_state()


def keras3_layer(class_name, config):
    """The Keras 3 serialized form of a layer: {module, class_name, config}, wrapped layers too."""
    config = dict(config)
    inner = config.get("layer")
    if isinstance(inner, dict) and "class_name" in inner:
        config["layer"] = keras3_layer(inner["class_name"], inner.get("config", {}))
    return {"module": "keras.layers", "class_name": class_name, "config": config, "registered_name": None}


def case_layer(c, name):
    """The case's layer, or its Keras operation (module given: keras.src.ops.numpy...) as Keras 3 serializes it."""
    if c.get("module"):
        config = {k: v for k, v in c["config"].items() if k not in c.get("callArgs", [])}
        entry = {"module": c["module"], "class_name": c["className"], "config": {**config, "name": name}, "registered_name": c["className"]}
        return keras.saving.deserialize_keras_object(entry)
    return keras.layers.deserialize(keras3_layer(c["className"], {**c["config"], "name": name}))


def layer_model(job):
    c = job["case"]
    n = c.get("inputs", 1)
    inputs = [keras.Input(shape=tuple(c["input"][1:]), dtype="int32" if c.get("intMax") else "float32") for _ in range(n)]
    layer = case_layer(c, "layer")
    # MultiHeadAttention and Keras operations of two tensors (Divide) are called on separate tensors.
    separate = c["className"] == "MultiHeadAttention" or (c.get("module") and n > 1)
    # An operation's call arguments (DotProductAttention's scale) are keywords of the call, not its config.
    kwargs = {k: c["config"][k] for k in c.get("callArgs", []) if k in c["config"]}
    y = layer(*inputs, **kwargs) if separate else layer(inputs if n > 1 else inputs[0])
    if c.get("then"):
        cls, cfg = c["then"]
        y = keras.layers.deserialize(keras3_layer(cls, {**cfg, "name": "then"}))(y)
    return keras.Model(inputs if n > 1 else inputs[0], y)


def save_layer(job):
    keras.utils.set_random_seed(job["seed"])
    model = layer_model(job)
    randomize(model, job["seed"])
    xs = [np.load(p) for p in job["x"]]
    y = model.predict(xs if len(xs) > 1 else xs[0], verbose=0, batch_size=len(xs[0]))
    np.save(job["y"], np.asarray(y, dtype=np.float32))
    out = {}
    model.save(job["keras"])
    try:
        model.save(job["h5"])
    except Exception as e:  # Keras' legacy writer refuses some layers: reported, the .keras case still runs
        out["h5Error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
    return out


def describe_compiled(model):
    opt = model.optimizer
    loss = model.loss
    return {
        "compiled": bool(model.compiled),
        "optimizer": type(opt).__name__ if opt is not None else None,
        "optimizerConfig": {k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in opt.get_config().items() if isinstance(v, (int, float, bool, str, np.floating))} if opt is not None else None,
        "loss": loss if isinstance(loss, str) else ({"class_name": type(loss).__name__, "config": loss.get_config()} if loss is not None else None),
        "metrics": model.get_compile_config().get("metrics") if model.compiled else None,
    }


def load_compiled_outputs(job):
    """A model with several outputs, compiled from the file's compile_config: Keras' dicts and one epoch's history keys."""
    model = keras.saving.load_model(job["path"])
    cc = model.get_compile_config()
    data = np.load(job["data"])
    x = {name: data[array] for name, array in job["inputs"].items()}
    y = {name: data[array] for name, array in job["outputs"].items()}
    history = model.fit(x, y, epochs=1, verbose=0, batch_size=16).history
    loss = {k: (v if isinstance(v, str) else {"class_name": v["class_name"], "config": {k2: v2 for k2, v2 in v["config"].items() if k2 == "from_logits"}}) for k, v in cc["loss"].items()}
    return {"loss": loss, "lossWeights": cc["loss_weights"], "metrics": cc["metrics"], "historyKeys": sorted(history)}


def load_compiled(job):
    model = keras.saving.load_model(job["path"])
    out = describe_compiled(model)
    x = np.load(job["x"])
    y = model.predict(x, verbose=0)
    np.save(job["y"], np.asarray(y, dtype=np.float32))
    history = model.fit(x, np.load(job["yTrain"]), epochs=1, verbose=0, batch_size=len(x)).history
    out["fitLoss"] = float(history["loss"][0])
    out["historyKeys"] = sorted(history)
    return out


def json_weights(job):
    with open(job["json"]) as f:
        model = keras.models.model_from_json(f.read())
    model.load_weights(job["weights"])
    y = model.predict(np.load(job["x"]), verbose=0)
    np.save(job["y"], np.asarray(y, dtype=np.float32))
    return {}


def small_model(names):
    inp = keras.Input(shape=(4,), name="x")
    h = keras.layers.Dense(5, activation="tanh", name=names[0])(inp)
    y = keras.layers.Dense(3, name=names[1])(h)
    return keras.Model(inp, y)


def save_compiled(job):
    keras.utils.set_random_seed(1)
    model = small_model(["hidden", "out"])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.002, rho=0.8, momentum=0.1),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["accuracy", "mae"])
    model.save(job["keras"])
    model.save(job["h5"])
    return {}


def save_renamed(job):
    keras.utils.set_random_seed(2)
    saved = small_model(["first", "second"])
    randomize(saved, 3)
    with h5py.File(job["weights"], "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, saved)
    config_model = small_model(["dense_a", "dense_b"])
    with open(job["json"], "w") as f:
        f.write(config_model.to_json())
    config_model.load_weights(job["weights"])  # Keras pairs the layers by order
    y = config_model.predict(np.load(job["x"]), verbose=0)
    np.save(job["y"], np.asarray(y, dtype=np.float32))
    return {}


def save_attention(job):
    q = keras.Input(shape=(3, 4))
    v = keras.Input(shape=(5, 4))
    y = keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, name="att")(q, v)
    keras.Model([q, v], y).save(job["keras"])
    return {}


def adapt_normalization(job):
    """Normalization(axis).adapt(x) for each axis: the adapted mean and variance, flattened."""
    x = np.load(job["x"])
    out = []
    for axis in job["axes"]:
        layer = keras.layers.Normalization(axis=axis)
        layer.adapt(x)
        out.append({"mean": np.asarray(layer.adapt_mean).ravel().tolist(), "variance": np.asarray(layer.adapt_variance).ravel().tolist()})
    return {"adapted": out}


def save_mha_calls(job):
    """key= as a keyword (as Keras records it), saved .keras and .h5 with a prediction; a causal call saved."""
    keras.utils.set_random_seed(job["seed"])
    q, v, k = keras.Input(shape=(4, 3)), keras.Input(shape=(5, 3)), keras.Input(shape=(5, 2))
    y = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")(q, v, key=k)
    model = keras.Model([q, v, k], y)
    randomize(model, job["seed"])
    xs = [np.load(p) for p in job["x"]]
    np.save(job["y"], np.asarray(model.predict(xs, verbose=0), dtype=np.float32))
    model.save(job["keras"])
    model.save(job["h5"])
    causal = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, name="causal")(q, v, use_causal_mask=True)
    keras.Model([q, v], causal).save(job["causal"])
    return {}


def train_steps(job):
    model = keras.saving.load_model(job["path"], compile=False)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=job["lr"]), loss="mse")
    x, y = np.load(job["x"]), np.load(job["yTrain"])
    for _ in range(job["steps"]):
        model.train_on_batch(x, y)
    return {"weights": [np.asarray(w).astype(float).ravel().tolist() for w in model.get_weights()]}


JOBS = {f.__name__: f for f in [train_steps, save_layer, load_compiled, load_compiled_outputs, json_weights, save_compiled, save_renamed, save_attention, save_mha_calls, adapt_normalization]}


def main():
    request = json.load(sys.stdin)
    results = []
    for job in request["jobs"]:
        try:
            results.append({"ok": True, **JOBS[job["kind"]](job)})
        except Exception as e:
            results.append({"ok": False, "error": f"{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}"})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
