"""services.runs.errors: any failure of a run becomes a coded TrainingError (never a traceback on a page)."""

from __future__ import annotations

from cnnlib.errors import LessonError
from services.runs.errors import NanLossError, TrainingError, as_lesson_error
from tests.runhelp import words


def test_out_of_memory_and_unknown_failures_become_lesson_errors():
    oom = as_lesson_error(MemoryError())
    assert isinstance(oom, LessonError) and oom.key == "run_errors.out_of_memory" and oom.params == {"name": "MemoryError"}
    assert "memory" in words(oom, "en") and "메모리" in words(oom, "ko")
    other = as_lesson_error(ValueError("odd\nsecond line"))
    assert other.key == "run_errors.failed" and other.params == {"name": "ValueError", "text": "odd"}
    assert as_lesson_error(RuntimeError()).params == {"name": "RuntimeError", "text": "RuntimeError"}


def test_tensorflows_out_of_memory_is_recognised_by_name_and_lesson_errors_pass_through():
    ResourceExhaustedError = type("ResourceExhaustedError", (Exception,), {})  # as tf.errors names it
    assert as_lesson_error(ResourceExhaustedError("OOM when allocating")).code == "out_of_memory"
    nan = NanLossError("nan_loss", epoch=2, batch=7)
    assert as_lesson_error(nan) is nan and isinstance(nan, TrainingError) and nan.key == "run_errors.nan_loss"
