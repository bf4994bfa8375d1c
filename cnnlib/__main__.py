"""Command line: train a run outside Streamlit into the same cache (a teacher's pre-warm before class),
or write a page's notebook for homework.

    python -m cnnlib train                      # the LeNet-5 page's default configuration
    python -m cnnlib train --preset lenet5 --epochs 3 --batch-size 32
    python -m cnnlib train --preset two_conv --slides   # the slides' settings (RMSprop, batch 32, raw 0–255, 10 epochs)
    python -m cnnlib notebook convolution-arithmetic --query "pad=same&stride=2" --lang en -o arithmetic.ipynb

Prints one JSON object on stdout (test_accuracy, seconds, samples_per_second, cached, … / the notebook's
path); progress goes to stderr. Exit status 1 when the run fails or the notebook cannot be written (the
JSON then has "error" and "error_ko"); 2 for a command line argparse refuses (an unknown page: the list).
A notebook's --query is read by the page's own link (links/pages.py), as the page reads its address.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time

from cnnlib import architecture
from cnnlib.errors import LessonError
from cnnlib.stack_text import decode_stack
from services.runs import config as run_config
from services.runs.errors import TrainingError
from services.runs.progress import Snapshot
from services.runs.service import TrainingService, get_service


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cnnlib", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train one configuration (or replay it from the cache)")
    train.add_argument("--preset", default="lenet5", choices=sorted(architecture.PRESETS),
                       help="the layer stack (default: lenet5)")
    train.add_argument("--stack", help="a stack in the layer-stack lab's link format (overrides --preset)")
    train.add_argument("--dataset", default="auto", choices=("auto", "mnist", "mnist_sample"),
                       help="auto: Keras' MNIST when it can be downloaded, else the shipped sample (default)")
    train.add_argument("--train-size", type=int, default=8000, help="training images used (default 8000)")
    train.add_argument("--slides", action="store_true",
                       help="start from the slides' settings instead of the measured fast ones")
    train.add_argument("--epochs", type=int)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--optimizer", choices=run_config.OPTIMIZERS)
    train.add_argument("--learning-rate", type=float)
    train.add_argument("--schedule", choices=run_config.SCHEDULES)
    train.add_argument("--scaling", choices=run_config.SCALINGS, help="scaled = 0–1, raw = 0–255 as on the slides")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--cache-dir", help="default: $CNNLIB_CACHE_DIR or ~/.cache/cnnlib")
    train.add_argument("--force", action="store_true", help="train again even if the result is cached")
    train.add_argument("--quiet", action="store_true", help="no progress on stderr")
    from notebooks import PAGES

    notebook = commands.add_parser("notebook", help="write a page's setting as a Jupyter notebook (.ipynb)")
    notebook.add_argument("page", choices=PAGES, metavar="page", help="the page's address: " + ", ".join(PAGES))
    notebook.add_argument("--query", default="", help='the page\'s link parameters, e.g. "pad=same&stride=2" (or the whole link)')
    notebook.add_argument("--lang", default="ko", choices=("ko", "en"), help="the notebook's language (default: ko)")
    notebook.add_argument("-o", "--output", help="the .ipynb file to write (default: <page>.ipynb)")
    return parser


def config_from_args(args) -> run_config.RunConfig:
    """The RunConfig the options describe (the page's default LeNet-5 when none are given)."""
    from services.training_data import load_mnist

    if args.stack is not None:  # --stack "" is a mistake, not "the default"
        if not args.stack.strip():
            raise TrainingError("no_layers")
        stack, input_shape = decode_stack(args.stack)
    else:
        stack, input_shape = architecture.preset(args.preset)
    dataset = args.dataset
    if dataset == "auto":  # after the stack's checks: a mistyped stack loads (or downloads) no MNIST
        dataset = load_mnist().name
    settings = dict(run_config.SLIDE_SETTINGS if args.slides else run_config.FAST_SETTINGS)
    for name in ("epochs", "batch_size", "optimizer", "learning_rate", "schedule", "scaling"):
        value = getattr(args, name)
        if value is not None:
            settings[name] = value
    return run_config.RunConfig(stack=tuple(stack), input_shape=input_shape, dataset=dataset,
                                train_size=args.train_size, seed=args.seed, **settings)


def _progress(snapshot: Snapshot, last_epoch: list[int]) -> None:
    if snapshot.state == "running" and snapshot.epoch != last_epoch[0] and snapshot.history["loss"]:
        last_epoch[0] = snapshot.epoch
        h = snapshot.history
        print(f"epoch {snapshot.epoch}/{snapshot.epochs}  loss {h['loss'][-1]:.4f}  "
              f"accuracy {h['accuracy'][-1]:.4f}  test accuracy {h['val_accuracy'][-1]:.4f}  "
              f"{snapshot.samples_per_second or 0:,.0f} images/s", file=sys.stderr, flush=True)


def _error(err: LessonError) -> dict:
    from words import words  # the catalogue is plain data; the command line says what the pages say

    return {"error": words(err, "en"), "error_ko": words(err, "ko"), "error_code": err.key}


def run_train(args) -> tuple[dict, int]:
    start = time.perf_counter()
    try:
        config = config_from_args(args).check()
        service = TrainingService(args.cache_dir) if args.cache_dir else get_service()
        if args.force:
            service.cache.remove(config.key)
        last_epoch = [0]
        snap = service.train_now(config, on_progress=None if args.quiet else lambda now: _progress(now, last_epoch))
    except LessonError as err:
        return _error(err), 1
    out = {"key": snap.key, "state": snap.state, "cache_dir": str(service.cache.root), "config": config.canonical()}
    if snap.state != "done":
        out.update(_error(snap.error or TrainingError("cancelled")))
        return out, 1
    result = snap.result
    out.update(
        test_accuracy=round(result.test_accuracy, 6),
        test_loss=round(result.test_loss, 6),
        seconds=round(result.seconds, 3),
        fit_seconds=round(result.fit_seconds, 3),
        samples_per_second=round(result.samples_per_second, 1),
        seconds_per_epoch=round(result.seconds_per_epoch, 3),
        cached=result.cached,
        wall_seconds=round(time.perf_counter() - start, 3),
        epochs=len(result.history["loss"]),
        train_images=result.train_images,
        test_images=result.test_images,
        params=result.params,
        dataset_source=result.dataset_source,
        history={k: [round(v, 6) for v in values] for k, values in result.history.items()},
    )
    return out, 0


def query_values(page: str, query: str) -> dict:
    """The page's settings from its link parameters, read by the page's own Link; LessonError naming what it refuses."""
    from urllib.parse import parse_qs, urlsplit

    from links.pages import notebook_settings, page_links
    from notebooks import NotebookError

    text = query.strip()
    if "?" in text or "://" in text:
        text = urlsplit(text).query if "://" in text else text.split("?", 1)[1]
    given = parse_qs(text, keep_blank_values=True)
    given.pop("lang", None)  # the page's language, not its setting
    link = page_links()[page]
    known = {param.name for param in link.params} if link else set()
    if not text and not given:
        return {}
    values, refused = link.decode(given) if link else ({}, [])
    refused += sorted(set(given) - known)  # a misspelt name would silently take its default
    if refused or (text and not given):
        raise NotebookError("bad_query", what=", ".join(refused) or text[:80], known=", ".join(sorted(known)) or "-")
    return notebook_settings(page, {name: value for name, value in values.items() if name in given})


def run_notebook(args) -> tuple[dict, int]:
    from pathlib import Path

    import notebooks
    from notebooks import NotebookError
    from words import words

    try:
        settings = query_values(args.page, args.query)
        nb = notebooks.build(args.page, settings, lambda coded: words(coded, args.lang))
        data = notebooks.to_bytes(nb)
    except LessonError as err:
        return _error(err), 1
    path = Path(args.output or notebooks.filename(args.page))
    try:
        path.write_bytes(data)
    except OSError as err:
        return _error(NotebookError("cannot_write", path=str(path), reason=err.strerror or type(err).__name__)), 1
    return {"notebook": str(path), "page": args.page, "lang": args.lang, "cells": len(nb.cells), "bytes": len(data),
            "results": list(notebooks.RESULTS[args.page]), "settings": sorted(settings)}, 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with contextlib.redirect_stdout(sys.stderr):  # Keras' "Downloading data from …" must not spoil the JSON
        out, status = run_notebook(args) if args.command == "notebook" else run_train(args)
    print(json.dumps(out, ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main())
