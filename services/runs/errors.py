"""What can go wrong with a run, as codes with parameters (the words: words/run_errors.py)."""

from __future__ import annotations

from cnnlib.errors import LessonError


class TrainingError(LessonError):
    """A run that cannot start or could not finish: a bad configuration, NaN loss, no memory."""

    domain = "run_errors"
    codes = {
        "not_whole_number": ("name", "low", "high", "value"),  # epochs, batch_size, train_size, seed
        "learning_rate": ("low", "high", "value"),
        "not_one_of": ("name", "allowed", "value"),  # optimizer, schedule, scaling
        "no_layers": (),
        "too_big": ("needed", "budget"),  # MB the model needs, MB this server allows
        "too_slow": ("seconds", "limit"),  # estimated seconds of the run, CNNLIB_RUN_MAX_SECONDS
        "too_long": ("limit",),  # the run passed CNNLIB_RUN_MAX_SECONDS while training and was stopped
        "one_at_a_time": (),  # this session already waits for another run
        "broken_model": ("name",),  # the cached model.keras could not be read (it is removed; train again)
        "cache_folder": ("path", "reason"),
        "no_images": ("train", "test"),  # a data set with no training or no test image
        "input_shape": ("shape", "image"),  # the model's input vs the dataset's images
        "output_shape": ("classes", "shape"),  # the last layer must give one score per class
        "nan_loss": ("epoch", "batch"),
        "out_of_memory": ("name",),
        "failed": ("name", "text"),
        "cancelled": (),
    }


class NanLossError(TrainingError):
    """The loss became NaN or infinite (what Keras' TerminateOnNaN stops on)."""


class Cancelled(Exception):
    """Raised inside a run to stop it at the next batch (someone pressed cancel)."""


def as_lesson_error(err: BaseException) -> LessonError:
    """Any failure of a run as a coded message (never a traceback on a page)."""
    if isinstance(err, LessonError):
        return err
    name = type(err).__name__
    if isinstance(err, MemoryError) or name in ("ResourceExhaustedError", "OutOfMemoryError"):
        return TrainingError("out_of_memory", name=name)
    text = str(err).strip().splitlines()[0][:300] if str(err).strip() else name
    return TrainingError("failed", name=name, text=text)
