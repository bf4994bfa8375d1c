"""What decides a run's numbers: ``RunConfig`` (its ``key`` names the run), the limits, the two presets of settings.

The same configuration is the same run: trained once, then replayed from the cache (services.runs.cache).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import asdict, dataclass, replace

from cnnlib import architecture
from cnnlib.stack_text import encode_stack
from services.runs.errors import TrainingError
from services.settings import run_max_seconds, run_memory_mb

FORMAT_VERSION = 1  # bump when the training code changes what a configuration produces
OPTIMIZERS = ("adam", "rmsprop", "sgd")
SCHEDULES = ("constant", "cosine")
SCALINGS = ("scaled", "raw")  # inputs divided by 255 (0–1), or the slides' raw 0–255
LIMITS = {"epochs": (1, 50), "batch_size": (1, 4096), "train_size": (1, 60_000), "seed": (0, 2**31 - 1)}
LR_LIMITS = (1e-6, 10.0)

# Measured on the shipped 8,000 / 2,000 sample, 2 cores (bench/training.py): LeNet-5 reaches
# ≥ 97 % test accuracy in ~5 s with these; the slides' settings need 10 epochs for ~97 %.
FAST_SETTINGS = {"epochs": 5, "batch_size": 64, "optimizer": "adam", "learning_rate": 0.003,
                 "schedule": "cosine", "scaling": "scaled"}
# The lecture's `model.compile(loss=..., metrics='accuracy')` + `model.fit(x, y, epochs=10)`:
# Keras' default optimizer (RMSprop, 0.001), batch 32, raw 0–255 pixels.
SLIDE_SETTINGS = {"epochs": 10, "batch_size": 32, "optimizer": "rmsprop", "learning_rate": 0.001,
                  "schedule": "constant", "scaling": "raw"}


@dataclass(frozen=True)
class RunConfig:
    """What decides a run's numbers. The same configuration is the same run (``key``)."""

    stack: tuple = ()
    input_shape: tuple = (28, 28, 1)
    dataset: str = "mnist_sample"
    train_size: int = 8000
    epochs: int = FAST_SETTINGS["epochs"]
    batch_size: int = FAST_SETTINGS["batch_size"]
    optimizer: str = FAST_SETTINGS["optimizer"]
    learning_rate: float = FAST_SETTINGS["learning_rate"]
    schedule: str = FAST_SETTINGS["schedule"]
    seed: int = 0
    scaling: str = FAST_SETTINGS["scaling"]

    def __post_init__(self):
        # layers as plain dicts in a tuple, the input shape as a tuple of ints: stable to hash
        object.__setattr__(self, "stack", tuple(dict(layer) for layer in self.stack))
        object.__setattr__(self, "input_shape", tuple(self.input_shape))

    @classmethod
    def from_preset(cls, name: str, **settings) -> RunConfig:
        stack, input_shape = architecture.preset(name)
        return cls(stack=tuple(stack), input_shape=input_shape, **settings)

    def check(self, max_seconds: float | None = None) -> RunConfig:
        """Raise TrainingError (or StackError) for values no run can use; returns self.

        Also refuses a run estimated to take longer than max_seconds (default: CNNLIB_RUN_MAX_SECONDS),
        so no request can hold the one training worker for hours.
        """
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise TrainingError("not_whole_number", name=name, low=low, high=high, value=value)
        low, high = LR_LIMITS
        if not isinstance(self.learning_rate, (int, float)) or not low <= self.learning_rate <= high:
            raise TrainingError("learning_rate", low=low, high=high, value=self.learning_rate)
        for name, allowed in (("optimizer", OPTIMIZERS), ("schedule", SCHEDULES), ("scaling", SCALINGS)):
            if getattr(self, name) not in allowed:
                raise TrainingError("not_one_of", name=name, allowed=", ".join(allowed), value=getattr(self, name))
        if not self.stack:
            raise TrainingError("no_layers")
        architecture.summarize(list(self.stack), self.input_shape)  # StackError when Keras could not build it
        needed, budget = estimate_memory_mb(self), run_memory_mb()
        if needed > budget:
            raise TrainingError("too_big", needed=needed, budget=budget)
        seconds, limit = estimate_seconds(self), run_max_seconds() if max_seconds is None else max_seconds
        if seconds > limit:
            raise TrainingError("too_slow", seconds=seconds, limit=limit)
        return self

    def canonical(self) -> dict:
        """The configuration as plain JSON values; equivalent stacks give the same text."""
        return {
            "format": FORMAT_VERSION,
            "stack": encode_stack(list(self.stack), self.input_shape),
            "dataset": self.dataset,
            "train_size": self.train_size,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "optimizer": self.optimizer,
            "learning_rate": float(self.learning_rate),
            "schedule": self.schedule,
            "seed": self.seed,
            "scaling": self.scaling,
        }

    @property
    def key(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["stack"] = [dict(layer) for layer in self.stack]
        data["input_shape"] = list(self.input_shape)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> RunConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def with_settings(self, **settings) -> RunConfig:
        return replace(self, **settings)


def default_config(dataset: str = "mnist_sample", preset: str = "lenet5") -> RunConfig:
    """The pages' default: LeNet-5 with the measured fast settings on 8,000 training images."""
    return RunConfig.from_preset(preset, dataset=dataset)


def preset_name(config: RunConfig) -> str | None:
    """The preset the configuration's stack is (``"lenet5"``, …), None for any other stack."""
    text = encode_stack(list(config.stack), config.input_shape)
    for name in architecture.PRESETS:
        if encode_stack(*architecture.preset(name)) == text:
            return name
    return None


def estimate_memory_mb(config: RunConfig) -> float:
    """A rough upper bound of what training adds to the server's memory, in MB.

    Weights, gradients and two optimizer slots (4 floats per parameter), three copies of every
    layer's output per image in a batch (forward, backward, XLA scratch), and the data (uint8).
    """
    rows = architecture.summarize(list(config.stack), config.input_shape)
    params = sum(row.params for row in rows)
    per_image = sum(math.prod(d for d in row.output_shape if d is not None) for row in rows)
    pixels = math.prod(config.input_shape)
    floats = 4 * params + 3 * per_image * config.batch_size
    data = (config.train_size + 10_000) * pixels * 1
    return (floats * 4 + data) / 1e6



# The run-time estimate (issue 9, finding 7): seconds ≈ SECONDS_PER_MAC · multiply-adds + SECONDS_PER_CELL ·
# cells + SECONDS_PER_BATCH · batches + SECONDS_FIXED + TF_START_SECONDS. A training image counts three
# times (forward + backward ≈ 3 × the forward pass), a test image once (validation after every epoch, and
# the final test). Calibrated on this project's 2-core machine with `python bench/training.py --calibrate`
# (9 stacks from dense-only to 2 × Conv2D(128), twice: at load average 1.3 and 4.6): wall time tripled
# under load while process CPU time stayed put, so the fit is to CPU seconds: 8.4e-12 s per multiply-add,
# 2.1e-10 s per cell, 3.0 ms per batch, 1.2 s per run; rounded up below (estimates 0.9–2.4 × the measured
# CPU seconds: rather over than under). The slides' LeNet-5 on all
# 60,000 MNIST images estimates to 89 s; the 3 × Conv2D(256), 50 epochs at batch 16 to 3.1 hours
# (it ran at 31 images/s: 3.6 hours).
SECONDS_PER_MAC = 1.0e-11
SECONDS_PER_CELL = 2.5e-10
SECONDS_PER_BATCH = 3.5e-3
SECONDS_FIXED = 1.5  # data, model, test, save
TF_START_SECONDS = 5.0  # importing TensorFlow (5–7 s, docs/streamlit.md): paid by a server's first run
TEST_IMAGES = 10_000  # MNIST's test set, the largest the app evaluates after each epoch
TRAIN_PASSES = 3  # forward + backward ≈ 3 × the forward pass's multiply-adds


def work_per_image(stack, input_shape) -> tuple[int, int]:
    """(multiply-adds, cells) of one forward pass, from summarize's rows.

    Conv2D and Dense: params = units × (inputs + 1), so multiply-adds = (params − units) per output
    position; cells = every layer's input and output values (what element-wise work and memory cost).

    >>> work_per_image(*architecture.preset("lenet5"))
    (416520, 17762)
    """
    rows = architecture.summarize(list(stack), input_shape)
    macs = cells = 0
    for before, row in itertools.pairwise(rows):
        out = math.prod(d for d in row.output_shape if d is not None)
        if row.type in ("Conv2D", "Dense"):
            units = row.output_shape[-1]
            macs += (row.params - units) * (out // units)
        cells += out + math.prod(d for d in before.output_shape if d is not None)
    return macs, cells


def run_work(config: RunConfig, test_images: int = TEST_IMAGES) -> dict:
    """What a whole run computes: multiply-adds, cells and batches over all its epochs and tests."""
    macs, cells = work_per_image(config.stack, config.input_shape)
    images = config.epochs * (TRAIN_PASSES * config.train_size + test_images) + test_images
    batches = math.ceil(config.train_size / config.batch_size) * config.epochs
    return {"macs": macs * images, "cells": cells * images, "batches": batches}


def estimate_seconds(config: RunConfig, test_images: int = TEST_IMAGES) -> float:
    """The run's seconds on this server as calibrated (with MNIST's full test set: rather more than less)."""
    work = run_work(config, test_images)
    return (SECONDS_PER_MAC * work["macs"] + SECONDS_PER_CELL * work["cells"]
            + SECONDS_PER_BATCH * work["batches"] + SECONDS_FIXED + TF_START_SECONDS)
