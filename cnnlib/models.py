"""Keras models from a layer-stack spec (cnnlib.architecture); TensorFlow is imported only in here.

``build_model(stack, input_shape)`` gives the functional-API model the lecture writes by hand:
``X = Input(...)``, ``H = Conv2D(...)(X)``, …, ``Model(X, Y)``, uncompiled, its layers named
exactly as ``cnnlib.architecture.summarize`` names them (Keras' own default names in a fresh
session), so ``model.summary()`` and the pure-Python table always line up, however many
models a long-running server has built before.
"""

from __future__ import annotations

from cnnlib.architecture import LayerRow, StackError, normalize_layer, summarize

# Building a Keras model (no training, no data) holds its weights about three times over while the
# initialisers run: measured 12.1–12.2 bytes per parameter of RSS (Flatten → Dense on 256×256×1,
# 16.8 M and 67 M parameters: +204 MB, +820 MB); 13 leaves a margin.
BUILD_BYTES_PER_PARAM = 13
BUILD_BASE_MB = 5  # Keras' layer objects and the summary text, whatever the weights
# One click may cost the shared server a few hundred MB at most (issue 9): the lab's "real Keras
# summary" builds a model for nothing but its table, so it gets this much, not a training run's budget.
SUMMARY_MEMORY_MB = 300
RUN_MEMORY_MB = 600  # a training run's budget unless the server says otherwise (services.settings.run_memory_mb)


def estimate_build_mb(rows: list[LayerRow]) -> float:
    """What building the Keras model of ``summarize``'s rows adds to the server's memory, in MB (weights only)."""
    return BUILD_BASE_MB + BUILD_BYTES_PER_PARAM * sum(row.params for row in rows) / 1e6


def check_buildable(stack: list[dict], input_shape, budget_mb: int = RUN_MEMORY_MB) -> list:
    """``summarize``'s rows, after checking that building the model fits ``budget_mb`` (the training service
    passes the server's $CNNLIB_RUN_MEMORY_MB); StackError("too_big_to_build") before anything is allocated otherwise."""
    rows = summarize(stack, input_shape)
    needed = estimate_build_mb(rows)
    if needed > budget_mb:
        raise StackError("too_big_to_build", needed=round(needed), budget=budget_mb)
    return rows


def keras_layer(layer: dict, name: str | None = None):
    """The Keras layer for one spec dict, arguments passed through as given (no checks of ours)."""
    from keras import layers

    args = {k: v for k, v in layer.items() if k != "type"}
    kind = layer.get("type")
    if kind in ("AveragePooling2D", "AvgPool2D"):
        args.setdefault("pool_size", 2)  # Keras 3 has no default here; the lab's default is 2
    return getattr(layers, kind)(**args, name=name)


def build_model(stack: list[dict], input_shape, *, check: bool = True, budget_mb: int = RUN_MEMORY_MB):
    """An UNCOMPILED ``keras.Model`` (functional API) for the stack on input_shape.

    check=True (the default) validates with the pure-Python rules first, so a student sees a
    StackError in both languages instead of a Keras traceback, and refuses a model whose weights
    alone would take more memory than a run may use (``check_buildable``). check=False hands the spec to
    Keras as it is, with Keras' default layer names (tests use it to let Keras judge a stack).
    """
    import keras

    if check:
        names = [row.name for row in check_buildable(stack, input_shape, budget_mb)]
        specs = [normalize_layer(layer, i) for i, layer in enumerate(stack)]
        X = keras.Input(shape=tuple(input_shape), name=names[0])
    else:
        names = [None] * (len(stack) + 1)
        specs = list(stack)
        X = keras.Input(shape=tuple(input_shape))
    H = X
    for spec, name in zip(specs, names[1:], strict=True):
        H = keras_layer(spec, name)(H)
    return keras.Model(X, H, name="model")


def summary_text(model) -> str:
    """``model.summary()`` as one string (Keras 3 hands print_fn the whole table at once).

    80 columns: wider cuts off the Param # column (rich's console is 80 wide).
    """
    parts: list[str] = []
    model.summary(line_length=80, print_fn=lambda text, **_: parts.append(text))
    return "\n".join(parts)


def keras_rows(model) -> list[tuple[str, str, tuple, int]]:
    """(name, class, output shape, params) per layer, input first — what summary() prints."""
    return [(layer.name, type(layer).__name__, tuple(layer.output.shape), layer.count_params()) for layer in model.layers]
