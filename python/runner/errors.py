"""A Python exception as one message for the user, with a hint and a code (src/engine/keras reads them)."""


def describe(e):
    from table import UserError

    if isinstance(e, UserError):
        return str(e), e.hint, e.code
    text = "%s: %s" % (type(e).__name__, e)
    low = text.lower()
    if isinstance(e, ModuleNotFoundError):
        return ("A Python package is missing: %s." % e.name, "Install it in this Python: pip install %s." % (e.name or "").split(".")[0], "missing-package")
    if "resource_exhausted" in low or "out of memory" in low or isinstance(e, MemoryError):
        return ("Out of memory: " + first_line(text), "Lower the batch size, or use a smaller model.", "out-of-memory")
    if "shape" in low or "incompatible" in low or "dimension" in low:
        return ("Keras refused the data's shape: " + first_line(text), "Check that the dataset matches the model's input and output shapes, and the loss.", "shape-error")
    return ("Keras failed: " + first_line(text), "See the run's log for the Python traceback.", "python-error")


def first_line(text, limit=600):
    line = text.strip().split("\n")[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"
