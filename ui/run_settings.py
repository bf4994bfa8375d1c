"""The training settings of §2 and §6 (epochs, batch, optimizer, …): the form, its link, the run it defines.

The widgets and the link take their limits from the run configuration (``services.runs.LIMITS``), so a
link can ask for nothing the form could not show and nothing ``RunConfig`` would refuse.
"""

from __future__ import annotations

import streamlit as st

from cnnlib import architecture
from links.pages import BATCHES, FIELDS, RATES, SIZES, STACK_LINK, settings_link
from links.pages import training_defaults as defaults
from services.runs import LIMITS, OPTIMIZERS, SCALINGS, SCHEDULES, RunConfig
from services.training_data import load_mnist
from ui import links
from ui.i18n import labels, t
from ui.stack_lab import INPUT_CHOICES
from ui.state import keep, put


def dataset_name() -> str:
    """MNIST as the lecture loads it (Keras' download), or the shipped sample when offline."""
    return load_mnist().name


def dataset_notice() -> None:
    data = load_mnist()
    key = "training.data_keras" if data.source == "keras" else "training.data_sample"
    st.caption(t(key, n=f"{len(data.x_train):,}", m=f"{len(data.x_test):,}"))


def init_settings(prefix: str) -> None:
    """First visit of a session: the settings from the link, else the measured fast defaults."""
    values = links.read_once(settings_link(), prefix)
    for name, value in (values or {}).items():
        put(f"{prefix}_{name}", value)


def use_settings(prefix: str, slides: bool = False, *, all_of_them: bool = False) -> None:
    """Put the fast (or the slides') settings into the form; n and seed stay unless all_of_them."""
    for name, value in defaults(slides).items():
        if all_of_them or name not in ("n", "seed"):
            put(f"{prefix}_{name}", value)


def settings_form(prefix: str) -> dict:
    """The training settings as RunConfig fields; the form is synced to the link."""
    links.notice(prefix)
    sizes = [n for n in SIZES if n <= len(load_mnist().x_train)]
    for name, value in defaults().items():
        keep(f"{prefix}_{name}", value)
    if st.session_state[f"{prefix}_n"] not in sizes:
        put(f"{prefix}_n", sizes[-1])
    with st.container(border=True):
        b1, b2 = st.columns(2)
        b1.button(t("training.use_fast"), key=f"{prefix}_fast", on_click=use_settings, args=(prefix, False),
                  help=t("training.use_fast_help"), width="stretch")
        b2.button(t("training.use_slides"), key=f"{prefix}_slides", on_click=use_settings, args=(prefix, True),
                  help=t("training.use_slides_help"), width="stretch")
        c = st.columns(4)
        c[0].number_input(t("training.epochs"), *LIMITS["epochs"], key=f"{prefix}_epochs")
        c[1].selectbox(t("training.batch"), BATCHES, key=f"{prefix}_batch")
        c[2].selectbox(t("training.optimizer"), OPTIMIZERS, key=f"{prefix}_opt", format_func=labels("training.opt", OPTIMIZERS))
        c[3].selectbox(t("training.lr"), RATES, key=f"{prefix}_lr", format_func=lambda v: f"{v:g}")
        d = st.columns(4)
        d[0].radio(t("training.scale"), SCALINGS, key=f"{prefix}_scale", format_func=labels("training.scale", SCALINGS))
        d[1].radio(t("training.sched"), SCHEDULES, key=f"{prefix}_sched", format_func=labels("training.sched", SCHEDULES))
        d[2].selectbox(t("training.n"), sizes, key=f"{prefix}_n", format_func=lambda v: f"{v:,}")
        d[3].number_input(t("training.seed"), *LIMITS["seed"], key=f"{prefix}_seed")
    values = {name: st.session_state[f"{prefix}_{name}"] for name in FIELDS}
    links.sync(settings_link(), values)
    return {field: values[name] for name, field in FIELDS.items()}


def config_for(preset_or_stack, settings: dict) -> RunConfig:
    """The run for a preset name or a (stack, input_shape) pair with these settings on this MNIST."""
    if isinstance(preset_or_stack, str):
        stack, shape = architecture.preset(preset_or_stack)
    else:
        stack, shape = preset_or_stack
    return RunConfig(stack=tuple(stack), input_shape=shape, dataset=dataset_name(), **settings)


def lab_input_shape() -> tuple:
    """The input shape chosen in the layer-stack lab (its widgets' values in this session)."""

    def get(key: str, default):
        return st.session_state.get(f"_kept_{key}", st.session_state.get(key, default))

    choice = get("lab_input_choice", "28x28x1")
    if choice in INPUT_CHOICES:
        return INPUT_CHOICES[choice]
    h, w, c = int(get("lab_h", 28)), int(get("lab_w", 28)), int(get("lab_c", 1))
    return (h, w, c) if c else (h, w)


# ---- which model (§6) ---------------------------------------------------------------------------

MODELS = ("lenet5", "two_conv", "two_conv_pool", "lab")


def model_choice(prefix: str) -> tuple[list, tuple]:
    """LeNet-5 (default), the §2 and §5 models, or a lab stack: sent in the link, else built in this session.

    Returns (stack, input shape) of the choice; a link's stack that cannot be read gets the bad-link notice.
    """
    values, refused = STACK_LINK.decode(links.query())
    links.warn(refused)
    linked = "stack" in st.query_params
    lab_stack = values["stack"]
    if not linked and st.session_state.get("lab_stack"):
        lab_stack = (st.session_state.lab_stack, lab_input_shape())
    models = list(MODELS if lab_stack else MODELS[:-1])
    keep(f"{prefix}_model", "lab" if linked and lab_stack else "lenet5")
    if st.session_state[f"{prefix}_model"] not in models:
        put(f"{prefix}_model", "lenet5")
    choice = st.radio(t("lenet.model"), models, key=f"{prefix}_model", horizontal=True,
                      format_func=labels("training.model", models))
    if choice != "lab":
        links.sync(STACK_LINK, {"stack": None})
        return architecture.preset(choice)
    return lab_stack


# ---- class start (§6): one click trains the default configuration ----------------------------------


def start_class(prefix: str, config: RunConfig) -> None:
    """The class-start button's callback (before the script: the form's widgets are not drawn yet): the
    fast settings and LeNet-5 into the form, and the run asked for as a Train click asks (the run panel
    requests it as this session after drawing its bar), remembered so the page shows its progress where
    the button was."""
    use_settings(prefix, all_of_them=True)
    put(f"{prefix}_model", "lenet5")
    st.session_state[f"{prefix}_started"] = config.key
    st.session_state[f"{prefix}_pending"] = config


def started_here(prefix: str, config: RunConfig) -> bool:
    """Whether this session's class-start button asked for the run of `config`."""
    return st.session_state.get(f"{prefix}_started") == config.key
