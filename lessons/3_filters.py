"""§3 Filters: one filter set sees every channel and makes one map; a layer makes one map per filter set."""

import pandas as pd
import streamlit as st

from cnnlib.architecture import summarize
from cnnlib.digits import examples_of
from cnnlib.errors import LessonError
from cnnlib.filter_sets import (
    CHANNEL_NAMES,
    FILTER_SET_PRESETS,
    KERNEL_SIZES,
    WEIGHT_RANGE,
    apply_filter_set,
    cell_across_channels,
    lecture_stack,
    load_colour_image,
    sample_colour_image,
    slide_notation,
)
from ui import filtersets as page
from ui import links, take_home
from ui.charts import heatmap, png
from ui.grids import paste_box
from ui.i18n import labels, message, t

page.init_from_link()
page.keep_widgets()
st.title(t("filtersets.title"))
st.markdown(t("filtersets.intro"))
links.notice("filt")
NO_BAR = {"displayModeBar": False}

# ---- a colour picture and one filter set ------------------------------------------------------
st.subheader(t("filtersets.colour_title"))
sources = ["sample", "upload"]
source = st.radio(t("filtersets.source"), sources, format_func=labels("filtersets.source", sources), key="filt_source", horizontal=True)
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
x = img.astype(float)

c1, c2, c3 = st.columns([2, 3, 1], vertical_alignment="bottom")
size = c1.radio(t("filtersets.kernel_size"), KERNEL_SIZES, key="filt_size", horizontal=True, on_change=page.on_size_change,
                format_func=lambda k: f"{k}×{k}")
current = st.session_state.get("filt_preset", "horizontal")
name = c2.selectbox(t("filtersets.preset"), FILTER_SET_PRESETS, format_func=labels("filtersets.preset", FILTER_SET_PRESETS),
                    index=FILTER_SET_PRESETS.index(current) if current in FILTER_SET_PRESETS else 0, key="filt_preset_choice")
c3.button(t("filtersets.load"), key="filt_load", on_click=page.load_set, args=(name, size))
w = page.weights()
k = w.shape[0]
bias = st.number_input(t("filtersets.bias"), min_value=-100.0, max_value=100.0, step=0.5, key="filt_bias", format="%g")
st.info(t("filtersets.block", shape=f"({k}, {k}, 3)", k=k, n=w.size))

result = apply_filter_set(x, w, bias)
oh, ow = result.feature_map.shape
r1, r2 = st.columns(2)
page.clamp_cell(oh, ow)  # a 5×5 set makes a smaller map than a 3×3 one
row = r1.number_input(t("filtersets.row"), 0, oh - 1, key="filt_row")
col = r2.number_input(t("filtersets.col"), 0, ow - 1, key="filt_col")

cols = st.columns([1.3, 1, 1, 1])
cols[0].image(page.enlarge_rgb(img), caption=t("filtersets.picture", shape="(32, 32, 3)"))
for c, name_c in enumerate(CHANNEL_NAMES):
    with cols[c + 1]:
        st.plotly_chart(heatmap(x[..., c], annotate=False, diverging=False, highlight=(row, col, k, k), height=230,
                                title=t("filtersets.channel", name=name_c)), key=f"filt_ch_{c}", config=NO_BAR)
        st.plotly_chart(heatmap(w[..., c], annotate=k <= 5, height=200, title=t("filtersets.filter_of", name=name_c)),
                        key=f"filt_w_fig_{c}", config=NO_BAR)
        with st.expander(t("filtersets.edit", name=name_c)):
            paste_box(f"filt_paste_{c}", f"filt_w_{c}", (k, k), *WEIGHT_RANGE, on_ok=page.mark_custom(c))

st.caption(t("filtersets.partials_caption"))
cols = st.columns(4)
for c, name_c in enumerate(CHANNEL_NAMES):
    cols[c].plotly_chart(heatmap(result.partials[..., c], annotate=False, highlight=(row, col, 1, 1), height=240,
                                 title=t("filtersets.partial", name=name_c)), key=f"filt_partial_{c}", config=NO_BAR)
cols[3].plotly_chart(heatmap(result.feature_map, annotate=False, highlight=(row, col, 1, 1), height=240,
                             title=t("filtersets.sum_title", shape=f"({oh}, {ow})")), key="filt_sum", config=png("feature-map"))

st.subheader(t("filtersets.cell_title"))
cell = cell_across_channels(x, w, row, col, bias)
for c, name_c in enumerate(CHANNEL_NAMES):
    st.markdown("- " + t("filtersets.channel_sum", name=name_c, k=k, value=page.fmt(cell.channel_sums[c])))
    with st.expander(t("filtersets.products", name=name_c, n=k * k)):
        st.dataframe(pd.DataFrame({"x": cell.windows[c].ravel(), "w": cell.weights[c].ravel(), "x·w": cell.products[c].ravel()},
                                  index=[f"w{i + 1}" for i in range(k * k)]), key=f"filt_products_{c}")
terms = " + ".join([*(f"({page.fmt(s)})" if s < 0 else page.fmt(s) for s in cell.channel_sums),
                    f"({page.fmt(bias)})" if bias < 0 else page.fmt(bias)])
st.success(t("filtersets.cell_total", r=row, c=col, terms=terms, total=page.fmt(cell.total)))
st.caption(t("filtersets.cell_check", r=row, c=col, value=page.fmt(float(result.feature_map[row, col]))))

# ---- the lecture's stack on a real digit ------------------------------------------------------
st.divider()
st.subheader(t("filtersets.lecture_title"))
st.code("H = tf.keras.layers.Conv2D(3, kernel_size=5, activation='swish')(X)\n"
        "H = tf.keras.layers.Conv2D(6, kernel_size=5, activation='swish')(H)", language="python")
d1, d2 = st.columns(2)
digit = d1.selectbox(t("filtersets.digit"), list(range(10)), key="filt_digit")
seed = d2.number_input(t("filtersets.seed"), 0, 9999, step=1, key="filt_seed")
stack = lecture_stack(examples_of(int(digit), 1)[0], seed=int(seed))
st.caption(t("filtersets.random_note", seed=seed))
rows = summarize([{"type": "Conv2D", "filters": f, "kernel_size": 5, "activation": "swish"} for f in (3, 6)], (28, 28, 1))[1:]
st.dataframe(pd.DataFrame({
    t("filtersets.col.layer"): [f"{r.name} ({r.type})" for r in rows],
    t("filtersets.col.keras"): [str(kern.shape) for kern in stack.kernels],
    t("filtersets.col.slide"): [str((*slide_notation(kern)[:3], "?")).replace("'", "") for kern in stack.kernels],
    t("filtersets.col.question"): [slide_notation(kern)[3] for kern in stack.kernels],
    t("filtersets.col.params"): [r.formula for r in rows],
}), hide_index=True, key="filt_shapes")
first, second = stack.maps
st.markdown("**" + t("filtersets.first_maps", shape=str(first.shape)) + "**")
cols = st.columns(7)
cols[0].image(page.map_picture(stack.image[..., 0] * 255), caption=t("filtersets.digit") + f" {digit}")
for f in range(first.shape[-1]):
    cols[f + 1].image(page.map_picture(first[..., f]), caption=t("filtersets.map", n=f + 1))
st.markdown("**" + t("filtersets.second_maps", shape=str(second.shape)) + "**")
cols = st.columns(7)
for f in range(second.shape[-1]):
    cols[f].image(page.map_picture(second[..., f]), caption=t("filtersets.map", n=f + 1))
take_home.notebook_button("filter-sets", {**page.sync_link(w), "image": img}, png_hint=True)
