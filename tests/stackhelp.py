"""Layer stacks shared by the architecture, model, stack-text, Keras-code, notebook and page tests."""

from __future__ import annotations

from hypothesis import strategies as st

from cnnlib.architecture import summarize

SLIDE_TOTALS = {"dense_only": 66_790, "two_conv": 203_068, "two_conv_pool": 9_532, "lenet5": 61_706}

# Each of these is a stack Keras cannot build (test_architecture.py checks the codes, test_models.py that Keras agrees).
INVALID = {
    "kernel larger than the map": ([{"type": "Conv2D", "filters": 2, "kernel_size": 5}], (4, 4, 1)),
    "pool larger than the map": ([{"type": "MaxPool2D", "pool_size": 3}], (2, 2, 1)),
    "output size 0 after pooling twice": (
        [{"type": "MaxPool2D"}, {"type": "MaxPool2D"}, {"type": "AveragePooling2D"}], (4, 4, 1)),
    "0 filters": ([{"type": "Conv2D", "filters": 0, "kernel_size": 3}], (8, 8, 1)),
    "0 units": ([{"type": "Flatten"}, {"type": "Dense", "units": 0}], (8, 8, 1)),
    "negative units": ([{"type": "Dense", "units": -3}], (8,)),
    "0 kernel": ([{"type": "Conv2D", "filters": 2, "kernel_size": 0}], (8, 8, 1)),
    "0 stride": ([{"type": "Conv2D", "filters": 2, "kernel_size": 3, "strides": 0}], (8, 8, 1)),
    "0 pool": ([{"type": "MaxPool2D", "pool_size": 0}], (8, 8, 1)),
    "float kernel": ([{"type": "Conv2D", "filters": 2, "kernel_size": 3.0}], (8, 8, 1)),
    "unknown layer": ([{"type": "Conv3D", "filters": 2, "kernel_size": 3}], (8, 8, 1)),
    "conv after flatten": ([{"type": "Flatten"}, {"type": "Conv2D", "filters": 2, "kernel_size": 3}], (8, 8, 1)),
    "conv on a 2-D input": ([{"type": "Conv2D", "filters": 2, "kernel_size": 3}], (28, 28)),
    "pool after dense": ([{"type": "Flatten"}, {"type": "Dense", "units": 4}, {"type": "MaxPool2D"}], (8, 8, 1)),
    "unknown activation (the slide's typo)": ([{"type": "Dense", "units": 4, "activation": "swis"}], (8,)),
    "bad padding": ([{"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": "full"}], (8, 8, 1)),
    "dropout rate above 1": ([{"type": "Dropout", "rate": 1.5}], (8,)),
    "argument of another layer": ([{"type": "Dense", "units": 4, "filters": 3}], (8,)),
    "missing units": ([{"type": "Dense"}], (8,)),
}

# One stack with every option a link can carry (tests/test_keras_code.py writes it as code too).
EVERY_OPTION = [
    {"type": "Conv2D", "filters": 4, "kernel_size": (3, 2), "strides": 2, "padding": "same", "activation": "leaky_relu"},
    {"type": "AveragePooling2D", "pool_size": 2, "strides": 1},
    {"type": "MaxPool2D", "pool_size": (2, 1), "padding": "same"},
    {"type": "Dense", "units": 5},
    {"type": "Dropout", "rate": 0.25},
    {"type": "Flatten"},
    {"type": "Dense", "units": 3, "activation": "log_softmax"},
]

THOUSAND_LAYERS = "i28x28x1_f" + "_r0" * 1000 + "_d10-softmax"  # the link (about 3 KB)

# links whose stack is above the lab's limits (the §2 lab and §6 show the bad-link notice)
ABOVE_LIMIT_LINKS = ["i28x28x1_c1000-k5", "i28x28x1_f_d100000", "i28x28x1_c3-k40", "i28x28x1_c3-k5-s9", "i28x28x1_m20",
                     "i600x600x1_f", "i28x28x100_f", THOUSAND_LAYERS]


# ---- random valid stacks: built so that every layer fits the shape it receives ----------------

ACTS = st.sampled_from([None, "swish", "relu", "softmax", "tanh", "leaky_relu"])


@st.composite
def valid_stacks(draw):
    rank = draw(st.sampled_from([1, 2, 3, 3, 3, 3]))
    shape = tuple(draw(st.integers(1, 20)) for _ in range(rank - 1)) + (draw(st.integers(1, 4)),)
    if rank == 3:
        shape = (draw(st.integers(1, 30)), draw(st.integers(1, 30)), shape[-1])
    stack, current = [], shape
    for _ in range(draw(st.integers(1, 6))):
        options = ["Dense", "Dropout", "Flatten"]
        if len(current) == 3:
            options += ["Conv2D", "Conv2D", "MaxPool2D", "AveragePooling2D"]
        kind = draw(st.sampled_from(options))
        if kind == "Conv2D":
            padding = draw(st.sampled_from(["valid", "same"]))
            limit = (lambda n: 7) if padding == "same" else (lambda n: min(7, n))
            kernel = (draw(st.integers(1, limit(current[0]))), draw(st.integers(1, limit(current[1]))))
            layer = {"type": "Conv2D", "filters": draw(st.integers(1, 8)),
                     "kernel_size": kernel[0] if draw(st.booleans()) and kernel[0] <= limit(current[1]) else kernel,
                     "strides": draw(st.sampled_from([1, 1, 2, 3, (1, 2)])),
                     "padding": padding, "activation": draw(ACTS)}
        elif kind in ("MaxPool2D", "AveragePooling2D"):
            padding = draw(st.sampled_from(["valid", "same"]))
            top = 4 if padding == "same" else min(4, current[0], current[1])
            layer = {"type": kind, "pool_size": draw(st.integers(1, top)), "padding": padding}
            if draw(st.booleans()):
                layer["strides"] = draw(st.integers(1, 3))
        elif kind == "Dense":
            layer = {"type": "Dense", "units": draw(st.integers(1, 16)), "activation": draw(ACTS)}
        elif kind == "Dropout":
            layer = {"type": "Dropout", "rate": draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))}
        else:
            layer = {"type": "Flatten"}
        stack.append(layer)
        current = summarize(stack, shape)[-1].output_shape[1:]
    return stack, shape
