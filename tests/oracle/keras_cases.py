"""The small Keras models behind tests/data/optimizer_ckpts (made by make_keras3_fixtures.py).

Shared by the fixture maker and the oracle test that restores tfscope's exports, so that both
build the same architecture: Dense(4, relu) -> BatchNormalization -> Dense(2) on 3 inputs.
Works with Keras 3 (`import keras`) and Keras 2 (`tf.keras` / `tf_keras`).
"""

CASES = {
    # name: (keras major version, optimizer)
    "k3_sgd_momentum": (3, "sgd_momentum"),
    "k3_adam": (3, "adam"),
    "k3_adamw": (3, "adamw"),
    "k2_sgd_momentum": (2, "sgd_momentum"),
    "k2_adam": (2, "adam"),
    "k2_adamw": (2, "adamw"),
}


def build_model(keras):
    return keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(4, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(2),
    ])


def make_optimizer(keras, kind):
    if kind == "sgd_momentum":
        return keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    if kind == "adam":
        return keras.optimizers.Adam(learning_rate=0.01)
    if kind == "adamw":
        return keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.01)
    raise ValueError(kind)
