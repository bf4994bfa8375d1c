"""§3 Filters: one filter set sees every channel and makes one map; a layer makes one map per filter set."""

import pandas as pd
import streamlit as st

from cnnlib.architecture import summarize
from cnnlib.errors import LessonError
from cnnlib.filter_sets import load_colour_image, sample_colour_image, slide_notation
from ui import filtersets as page
from ui.i18n import labels, message, t
from ui.presenter import caption

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

page.workbench(img, page.pictures(img))

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
