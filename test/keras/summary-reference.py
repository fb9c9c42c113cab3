"""Writes summary-reference.json: Keras 3's own model.summary() text for the models of
summary.test.ts (run with Keras 3.15.1 on the torch backend, floatx float64 so that sizes count 8
bytes a value as numnet's float64 weights do; print_fn given, no terminal: Keras's 76-column table).

    KERAS_BACKEND=torch COLUMNS= python3 test/keras/summary-reference.py
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras  # noqa: E402
import numpy as np  # noqa: E402

keras.config.set_floatx("float64")
out = {"keras": keras.__version__, "backend": keras.backend.backend()}


def text(model, **kw):
    lines = []
    model.summary(print_fn=lambda s, **_: lines.append(s), **kw)
    return "".join(lines).rstrip("\n")


L = keras.layers
mlp = keras.Sequential(
    [keras.Input((784,)), L.Dense(100, activation="sigmoid", name="dense"), L.Dropout(0.2, name="dropout"), L.Dense(10, activation="softmax", name="dense_1")],
    name="sequential",
)
out["mlp"] = text(mlp)
cnn = keras.Sequential(
    [
        keras.Input((28, 28, 1)),
        L.Conv2D(8, 3, name="conv2d"),
        L.BatchNormalization(name="batch_normalization"),
        L.MaxPooling2D(name="max_pooling2d"),
        L.Flatten(name="flatten"),
        L.Dense(10, name="a_dense_layer_with_a_name_longer_than_its_column"),
    ],
    name="a_very_long_model_name",
)
out["cnn"] = text(cnn)
out["cnn88"] = text(cnn, line_length=88)
cnn.compile(optimizer=keras.optimizers.Adam(), loss="mse")
cnn.fit(np.zeros((2, 28, 28, 1)), np.zeros((2, 10)), verbose=0)
out["cnnAfterAdam"] = text(cnn)
with open(os.path.join(os.path.dirname(__file__), "summary-reference.json"), "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
