"""The training settings of §2 and §6 (epochs, batch, optimizer, …): the form, its link, the run it defines.

The widgets and the link take their limits from the run configuration (``services.runs.LIMITS``), so a
link can ask for nothing the form could not show and nothing ``RunConfig`` would refuse.
"""

from __future__ import annotations

import streamlit as st

from cnnlib import architecture
from cnnlib.errors import LessonError
from links.pages import BATCHES, RATES, SIZES, TRAINING_MODELS, lenet_link, settings_link
from links.pages import training_defaults as defaults
from services.runs import LIMITS, OPTIMIZERS, SCALINGS, SCHEDULES, RunConfig
from services.training_data import load_mnist
from ui import stack_lab
from ui.i18n import labels, t
from ui.page_setting import PageSetting

_SETTINGS: dict[str, PageSetting] = {}


def setting(prefix: str) -> PageSetting:
    """The training page's record: §2 ("conv2d") its settings, §6 ("lenet") also the model and a linked stack."""
    if prefix not in _SETTINGS:
        page = {"conv2d": "conv2d-in-keras", "lenet": "lenet-5"}[prefix]  # a page's record is named by its address
        _SETTINGS[prefix] = PageSetting(page, lenet_link() if prefix == "lenet" else settings_link())
    return _SETTINGS[prefix]


def dataset_name() -> str:
    """MNIST as the lecture loads it (Keras' download), or the shipped sample when offline."""
    return load_mnist().name


def dataset_notice() -> None:
    data = load_mnist()
    key = "training.data_keras" if data.source == "keras" else "training.data_sample"
    st.caption(t(key, n=f"{len(data.x_train):,}", m=f"{len(data.x_test):,}"))


def use_settings(prefix: str, slides: bool = False, *, all_of_them: bool = False) -> None:
    """Put the fast (or the slides') settings into the form; n and seed stay unless all_of_them."""
    setting(prefix).update(**{name: value for name, value in defaults(slides).items()
                              if all_of_them or name not in ("n", "seed")})


def settings_form(prefix: str) -> dict:
    """The training settings as RunConfig fields; the form is synced to the link."""
    form = setting(prefix)
    form.notice()
    sizes = [n for n in SIZES if n <= len(load_mnist().x_train)]
    if form.get().n not in sizes:
        form.update(n=sizes[-1])
    with st.container(border=True):
        b1, b2 = st.columns(2)
        b1.button(t("training.use_fast"), key=f"{prefix}_fast", on_click=use_settings, args=(prefix, False),
                  help=t("training.use_fast_help"), width="stretch")
        b2.button(t("training.use_slides"), key=f"{prefix}_slides", on_click=use_settings, args=(prefix, True),
                  help=t("training.use_slides_help"), width="stretch")
        c = st.columns(4)
        c[0].number_input(t("training.epochs"), *LIMITS["epochs"], **form.bind(f"{prefix}_epochs", "epochs"))
        c[1].selectbox(t("training.batch"), BATCHES, **form.bind(f"{prefix}_batch", "batch"))
        c[2].selectbox(t("training.optimizer"), OPTIMIZERS, format_func=labels("training.opt", OPTIMIZERS),
                       **form.bind(f"{prefix}_opt", "opt"))
        c[3].selectbox(t("training.lr"), RATES, format_func=lambda v: f"{v:g}", **form.bind(f"{prefix}_lr", "lr"))
        d = st.columns(4)
        d[0].radio(t("training.scale"), SCALINGS, format_func=labels("training.scale", SCALINGS),
                   **form.bind(f"{prefix}_scale", "scale"))
        d[1].radio(t("training.sched"), SCHEDULES, format_func=labels("training.sched", SCHEDULES),
                   **form.bind(f"{prefix}_sched", "sched"))
        d[2].selectbox(t("training.n"), sizes, format_func=lambda v: f"{v:,}", **form.bind(f"{prefix}_n", "n"))
        d[3].number_input(t("training.seed"), *LIMITS["seed"], **form.bind(f"{prefix}_seed", "seed"))
    form.sync()
    return form.get().run_settings()


def peek_config(prefix: str) -> RunConfig | None:
    """The run the page's settings name, read from its record before the page draws its model choice and form
    (None for a lab stack, which ``model_choice`` works out); the page checks it against the one it draws."""
    form = setting(prefix).get()
    if form.model not in TRAINING_MODELS or form.model == "lab":
        return None
    try:
        return config_for(architecture.preset(form.model), form.run_settings())
    except (LessonError, ValueError, KeyError):
        return None


def config_for(preset_or_stack, settings: dict) -> RunConfig:
    """The run for a preset name or a (stack, input_shape) pair with these settings on this MNIST."""
    if isinstance(preset_or_stack, str):
        stack, shape = architecture.preset(preset_or_stack)
    else:
        stack, shape = preset_or_stack
    return RunConfig(stack=tuple(stack), input_shape=shape, dataset=dataset_name(), **settings)


# ---- which model (§6) ---------------------------------------------------------------------------


def model_choice(prefix: str) -> tuple[list, tuple]:
    """LeNet-5 (default), the §2 and §5 models, or a lab stack: sent in the link, else built in this session.

    Returns (stack, input shape) of the choice; a link's stack that cannot be read gets the bad-link notice.
    """
    form = setting(prefix)
    linked = form.get().stack
    lab_stack = linked
    if linked is None and stack_lab.SETTING.known() and stack_lab.SETTING.get().stack:
        lab = stack_lab.SETTING.get()
        lab_stack = (list(lab.stack), lab.shape)
    models = list(TRAINING_MODELS if lab_stack else TRAINING_MODELS[:-1])
    if form.get().model not in models:
        form.update(model="lenet5")
    choice = st.radio(t("lenet.model"), models, horizontal=True, format_func=labels("training.model", models),
                      **form.bind(f"{prefix}_model", "model"))
    if choice != "lab":
        if linked is not None:
            form.update(stack=None)  # the address says no stack: a reload trains what is chosen
        return architecture.preset(choice)
    return lab_stack


# ---- class start (§6): one click trains the default configuration ----------------------------------


def start_class(prefix: str, config: RunConfig) -> None:
    """The class-start button's callback (before the script: the form's widgets are not drawn yet): the
    fast settings and LeNet-5 into the form, and the run asked for as a Train click asks (the run panel
    requests it as this session after drawing its bar), remembered so the page shows its progress where
    the button was."""
    use_settings(prefix, all_of_them=True)
    setting(prefix).update(model="lenet5")
    st.session_state[f"{prefix}_started"] = config.key
    st.session_state[f"{prefix}_pending"] = config


def started_here(prefix: str, config: RunConfig) -> bool:
    """Whether this session's class-start button asked for the run of `config`."""
    return st.session_state.get(f"{prefix}_started") == config.key
