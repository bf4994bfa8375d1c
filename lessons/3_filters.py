"""§3 Filters: one filter set sees every channel and makes one map; a layer makes one map per filter set."""

import pandas as pd
import streamlit as st

from cnnlib.architecture import summarize
from cnnlib.errors import LessonError
from cnnlib.filter_sets import (
    CHANNEL_NAMES,
    KERNEL_SIZES,
    WEIGHT_RANGE,
    apply_filter_set,
    cell_across_channels,
    load_colour_image,
    sample_colour_image,
    slide_notation,
)
from ui import class_session, take_home
from ui import filtersets as page
from ui.charts import png
from ui.guard import guarded
from ui.i18n import labels, message, t
from ui.presenter import caption
from ui.weight_editor import weight_editor

setting = page.SETTING
setting.get()  # read from the address on the first visit of a session
st.title(t("filtersets.title"))
st.markdown(t("filtersets.intro"))
setting.notice()

# ---- a colour picture and its three channels --------------------------------------------------
st.subheader(t("filtersets.colour_title"))
sources = ["sample", "upload"]
source = st.radio(
    t("filtersets.source"), sources, format_func=labels("filtersets.source", sources), horizontal=True,
    **setting.bind("filt_source", "source")
)
img = sample_colour_image()
if source == "upload":
    upload = st.file_uploader(t("filtersets.upload"), key="filt_upload")
    if upload is None:
        st.info(t("filtersets.upload_missing"))
    else:
        try:
            img = load_colour_image(upload.getvalue())
        except LessonError as err:
            st.error(message(err))


@st.fragment
@guarded  # an error in a fragment's rerun: a message and a way back, never a traceback
def workbench(img) -> None:
    """All that a filter edit changes: the window on the channels, the editor, the maps, one cell, the link.

    A slider step reruns only this (the lecture's stack below stays as it is); so does a teacher's edit for
    the students following (all of the record but the stack's digit and seed)."""
    class_session.refresh(covers=("k", "fset", "w", "b", "channel", "row", "col"))
    x = img.astype(float)
    record = setting.get()
    w, k, bias = record.w, record.k, float(record.b)
    result = apply_filter_set(x, w, bias)
    oh, ow = result.feature_map.shape
    row, col = page.cell(oh, ow)  # 0-based here; the widgets below count from 1 as the slides do

    pic, channels = st.columns([1, 3])
    pic.image(page.enlarge_rgb(img, 5), caption=t("filtersets.picture", shape="(32, 32, 3)"))
    page.chart(
        channels,
        page.channel_pictures(x, [t("filtersets.channel", name=n) for n in CHANNEL_NAMES], (row, col, k, k)),
        "filt_channels",
    )

    # ---- one screen: the filter set's editor on the left, what it makes on the right ---------------
    st.subheader(t("filtersets.work_title"))
    c1, c2, c3 = st.columns([2, 3, 2], vertical_alignment="bottom")
    c1.radio(
        t("filtersets.kernel_size"),
        KERNEL_SIZES,
        horizontal=True,
        format_func=lambda n: f"{n}×{n}",
        **setting.bind("filt_size", "k", then=page.choose_size),
    )
    c2.selectbox(
        t("filtersets.preset"),
        page.CHOICES,
        format_func=labels("filtersets.preset", page.CHOICES),
        **setting.bind("filt_preset_choice", "fset", then=page.choose_preset),
    )
    c3.number_input(t("filtersets.bias"), min_value=-100.0, max_value=100.0, step=0.5, format="%g",
                    **setting.bind("filt_bias", "b", kept=float))
    left, right = st.columns([5, 6], gap="medium")
    with left:
        channel = st.segmented_control(
            t("filtersets.channel_editor"),
            range(len(CHANNEL_NAMES)),
            **setting.bind("filt_channel", "channel"),
            format_func=CHANNEL_NAMES.__getitem__,
            required=True,
        )
        weight_editor(f"filt_w_{channel}", page.channel_cells(channel), (k, k), *WEIGHT_RANGE, step=0.5)
    with right:
        titles = [
            t("filtersets.filter_of", name=name_c) + (" ✎" if c == channel else "") for c, name_c in enumerate(CHANNEL_NAMES)
        ]
        page.chart(st, page.filter_thumbs(w, titles), "filt_w_fig")
        titles = [t("filtersets.partial", name=name_c) for name_c in CHANNEL_NAMES] + [
            t("filtersets.sum_title", shape=f"({oh}, {ow})")
        ]
        page.chart(st, page.maps_figure(result.partials, result.feature_map, titles, (row, col)), "filt_maps", png("feature-map"))
    caption(t("filtersets.block", shape=f"({k}, {k}, 3)", k=k, n=w.size) + " " + t("filtersets.partials_caption"))

    # ---- one output cell, spelt out ----------------------------------------------------------------
    st.subheader(t("filtersets.cell_title"))
    r1, r2, _ = st.columns([1, 1, 2])
    r1.number_input(t("filtersets.row"), 1, oh, **setting.bind("filt_row", "row"))
    r2.number_input(t("filtersets.col"), 1, ow, **setting.bind("filt_col", "col"))
    cell = cell_across_channels(x, w, row, col, bias)
    for c, name_c in enumerate(CHANNEL_NAMES):
        st.markdown("- " + t("filtersets.channel_sum", name=name_c, k=k, value=page.fmt(cell.channel_sums[c])))
        with st.expander(t("filtersets.products", name=name_c, n=k * k)):
            st.markdown(page.products_table(cell.windows[c], cell.weights[c], cell.products[c]))
    terms = " + ".join(
        [
            *(f"({page.fmt(s)})" if s < 0 else page.fmt(s) for s in cell.channel_sums),
            f"({page.fmt(bias)})" if bias < 0 else page.fmt(bias),
        ]
    )
    st.success(t("filtersets.cell_total", r=row + 1, c=col + 1, terms=terms, total=page.fmt(cell.total)))
    caption(t("filtersets.cell_check", r=row + 1, c=col + 1, value=page.fmt(float(result.feature_map[row, col]))))
    setting.sync()
    take_home.notebook_button("filter-sets", {**record.to_link(), "image": img}, where=st.container(), png_hint=True)


workbench(img)

# ---- the lecture's stack on a real digit ------------------------------------------------------
st.divider()
st.subheader(t("filtersets.lecture_title"))
st.code(
    "H = tf.keras.layers.Conv2D(3, kernel_size=5, activation='swish')(X)\n"
    "H = tf.keras.layers.Conv2D(6, kernel_size=5, activation='swish')(H)",
    language="python",
)
d1, d2 = st.columns(2)
digit = d1.selectbox(t("filtersets.digit"), list(range(10)), **setting.bind("filt_digit", "digit"))
seed = d2.number_input(t("filtersets.seed"), 0, 9999, step=1, **setting.bind("filt_seed", "seed"))
stack = page.stack_on_digit(int(digit), int(seed))
caption(t("filtersets.random_note", seed=seed))
rows = summarize([{"type": "Conv2D", "filters": f, "kernel_size": 5, "activation": "swish"} for f in (3, 6)], (28, 28, 1))[1:]
st.dataframe(
    pd.DataFrame(
        {
            t("filtersets.col.layer"): [f"{r.name} ({r.type})" for r in rows],
            t("filtersets.col.keras"): [str(kern.shape) for kern in stack.kernels],
            t("filtersets.col.slide"): [str((*slide_notation(kern)[:3], "?")).replace("'", "") for kern in stack.kernels],
            t("filtersets.col.question"): [slide_notation(kern)[3] for kern in stack.kernels],
            t("filtersets.col.params"): [r.formula for r in rows],
        }
    ),
    hide_index=True,
    key="filt_shapes",
)
first, second = stack.maps
g1, g2 = st.columns([1, 3], vertical_alignment="center")
g1.image(page.grey_legend(), width="stretch")
g2.markdown(t("filtersets.grey_legend"))
st.markdown("**" + t("filtersets.first_maps", shape=str(first.shape)) + "**")
maps = [stack.image[..., 0] * 255] + [first[..., f] for f in range(first.shape[-1])]
titles = [t("filtersets.digit") + f" {digit}"] + [t("filtersets.map", n=f + 1) for f in range(first.shape[-1])]
page.chart(st, page.stack_maps(maps, titles), "filt_stack_1")
st.markdown("**" + t("filtersets.second_maps", shape=str(second.shape)) + "**")
page.chart(
    st,
    page.stack_maps(
        [second[..., f] for f in range(second.shape[-1])], [t("filtersets.map", n=f + 1) for f in range(second.shape[-1])]
    ),
    "filt_stack_2",
)
