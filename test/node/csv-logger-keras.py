"""Reference values of test/node/csv-logger.test.ts, from Keras 3 and CPython themselves.

Runs Keras 3's own CSVLogger (keras/src/callbacks/csv_logger.py, read from a Keras checkout) with
CPython's csv module, its imports of Keras replaced by the few names it uses (`keras_export`,
`Callback`, `file_utils.path_to_string/exists/File`; File = open(..., encoding="utf-8")), over the
scenarios below, and CPython's repr() of a set of floats. Writes JSON to stdout.

    git -C <keras> show 3422977a:keras/src/callbacks/csv_logger.py > /tmp/csv_logger.py
    python3 test/node/csv-logger-keras.py /tmp/csv_logger.py > test/node/csv-logger-keras.json

(Generated with CPython 3.11.7 and NumPy 2.4.6; keras-team/keras at 3422977a, Keras 3.16.)
"""
import importlib.util
import json
import math
import os
import random
import struct
import sys
import tempfile
import types


def stub_keras():
    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m

    class Callback:
        def __init__(self):
            self.model = None

    file_utils = module(
        "keras.src.utils.file_utils",
        path_to_string=lambda p: os.fspath(p),
        exists=os.path.exists,
        File=lambda f, mode: open(f, mode, encoding="utf-8"),
    )
    module("keras")
    module("keras.src")
    module("keras.src.api_export", keras_export=lambda name: (lambda cls: cls))
    module("keras.src.callbacks")
    module("keras.src.callbacks.callback", Callback=Callback)
    module("keras.src.utils", file_utils=file_utils)


def load_csv_logger(path):
    stub_keras()
    spec = importlib.util.spec_from_file_location("csv_logger", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.CSVLogger


def run(CSVLogger, fits, separator=",", append=False, start=None):
    """fits: a list of fits, each a list of (epoch, logs); returns the file's text after each fit."""
    d = tempfile.mkdtemp()
    path = os.path.join(d, "log.csv")
    if start is not None:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(start)
    logger = CSVLogger(path, separator=separator, append=append)
    texts = []
    for fit in fits:
        logger.on_train_begin()
        for epoch, logs in fit:
            logger.on_epoch_end(epoch, dict(logs))
        logger.on_train_end()
        with open(path, encoding="utf-8", newline="") as f:
            texts.append(f.read())
    return texts


NAN, INF = float("nan"), float("inf")
specials = {"loss": 0.1 + 0.2, "mae": 1.0, "val_loss": 1e-05, "val_mae": 1.2345678901234567e17}
scenarios = {
    "basic": dict(fits=[[
        (0, specials),
        (1, {"loss": NAN, "mae": INF, "val_loss": -0.0, "val_mae": 5e-324}),
        (2, {"loss": 0.0001, "mae": 1e16, "val_loss": 1e15, "val_mae": -2.5}),
    ]]),
    "no_val_keys": dict(fits=[[(0, {"loss": 0.5, "acc": 1.0}), (1, {"loss": 0.25, "acc": 0.75})]]),
    "missing_and_new_keys": dict(fits=[[
        (0, {"loss": 0.5, "mae": 0.25, "val_loss": 0.75}),
        (1, {"loss": 0.4, "val_loss": 0.6, "learning_rate": 0.01}),
    ]]),
    "semicolon_and_odd_names": dict(separator=";", fits=[[
        (0, {"a;b": 1.0, 'q"x': 2.0, "sp ace": 3.0, "\u00fc": 4.0, "\U0001F600": 5.0, "\uff5a": 6.0, "val_z": 7.0, "Z": 8.0}),
    ]]),
    "space_separator": dict(separator=" ", fits=[[(0, {"loss": 0.5, "sp ace": 1.5, "val_loss": 0.25})]]),
    "tab_separator": dict(separator="\t", fits=[[(0, {"loss": 0.5, "a\tb": 1.5, "val_loss": 0.25})]]),
    "second_fit_overwrites": dict(fits=[
        [(0, {"loss": 0.5, "val_loss": 0.25}), (1, {"loss": 0.4, "val_loss": 0.2})],
        [(0, {"loss": 0.3, "val_loss": 0.1})],
    ]),
    "append_resumes": dict(append=True, fits=[
        [(0, {"loss": 0.5, "val_loss": 0.25}), (1, {"loss": 0.4, "val_loss": 0.2})],
        [(2, {"loss": 0.3, "val_loss": 0.1}), (3, {"loss": 0.2, "val_loss": 0.05})],
    ]),
    "append_to_existing_rows": dict(append=True, start="epoch,loss\r\n0,1.0\r\n", fits=[[(1, {"loss": 0.5})]]),
    "append_to_empty_file": dict(append=True, start="", fits=[[(0, {"loss": 0.5})]]),
    "no_epochs": dict(fits=[[]]),
}


def float_cases():
    rng = random.Random(20240611)
    values = [
        0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 0.1 + 0.2, 1 / 3, 2 / 3, 100.0, 123.456, 1e-4, 1e-5,
        9.999999999999999e-05, 0.00011, 1e15, 1e16, 1e17, 9999999999999998.0, 1234567890123456.0,
        12345678901234567.0, 2.0 ** 53, 2.0 ** 53 + 2, 1e21, 1e22, 1e23, 5e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, 0.0001234, 0.001, 1.5e-10, 6.02214076e23, math.pi, math.e, 0.07, 1e100,
    ]
    for _ in range(400):  # any bit pattern (NaNs skipped: repr is 'nan')
        v = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if not math.isnan(v):
            values.append(v)
    for _ in range(400):  # typical magnitudes of losses, metrics and learning rates
        values.append(rng.choice([1, -1]) * 10 ** rng.uniform(-12, 20))
    for _ in range(100):  # short decimals, the digits a user types
        values.append(round(rng.uniform(0, 10), rng.randint(0, 6)))
    out = []
    for v in values + [NAN, INF, -INF]:
        out.append([struct.pack(">d", v).hex(), repr(v)])
    return out


def main():
    CSVLogger = load_csv_logger(sys.argv[1])
    result = {"csv": {}, "repr": float_cases()}
    for name, s in scenarios.items():
        result["csv"][name] = {
            "separator": s.get("separator", ","),
            "append": s.get("append", False),
            "start": s.get("start"),
            "fits": [[[e, {k: (v if math.isfinite(v) else repr(v)) for k, v in logs.items()}] for e, logs in fit] for fit in s["fits"]],
            "texts": run(CSVLogger, s["fits"], s.get("separator", ","), s.get("append", False), s.get("start")),
        }
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


main()
