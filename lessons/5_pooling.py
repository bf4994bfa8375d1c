"""§5 Max-pooling: why (66,790 → 203,068 → 9,532), the slide's windows one at a time, any map from §4, a real digit."""

import numpy as np
import streamlit as st

from cnnlib.digits import examples_of
from cnnlib.filters import INPUT_RANGE, PATTERN_FILTERS, pattern_map
from cnnlib.lecture import POOLING_EXAMPLE_6X6
from cnnlib.pooling import max_pool2d, pool_winners
from links.pages import POOL_SIZES, POOL_SOURCES, POOL_STRIDES
from ui import links, take_home
from ui import pooling as page
from ui.charts import heatmap_spec, image, png, ready
from ui.grids import paste_box
from ui.i18n import labels, t
from ui.presenter import caption
from ui.state import keep

page.init_from_link()
st.title(t("pooling.title"))
caption(t("pooling.intro"))
links.notice("pool")

page.story()

st.divider()
st.subheader(t("pooling.example_title"))
keep("pool_source", "carried" if "carried_map" in st.session_state else "slide")
if "carried_map" in st.session_state and st.session_state.pop("carried_fresh", False):
    st.session_state.pool_source = "carried"
c0, c1, c2 = st.columns([2.2, 1, 3])
h, w = POOLING_EXAMPLE_6X6.shape
source_names = {o: t(f"pooling.source.{o}", h=h, w=w) for o in POOL_SOURCES}
source = c0.radio(t("pooling.source"), POOL_SOURCES, format_func=source_names.__getitem__, key="pool_source")
if "pool_slide_map" not in st.session_state:
    st.session_state.pool_slide_map = POOLING_EXAMPLE_6X6.copy()
if source == "carried" and "carried_map" not in st.session_state:
    st.info(t("pooling.no_carried"))
    source = "slide"
fmap_key = "pool_slide_map" if source == "slide" else "carried_map"
fmap = np.asarray(st.session_state[fmap_key], dtype=float)

keep("pool_size", 2)
keep("pool_stride", None)
size = c1.radio(t("pooling.size"), POOL_SIZES, key="pool_size", horizontal=True)
stride_names = {None: t("pooling.stride_default"), 1: "1", 2: "2", 3: "3"}
stride = c2.radio(t("pooling.stride"), POOL_STRIDES, key="pool_stride", horizontal=True, format_func=stride_names.__getitem__)
with st.expander(t("pooling.edit")):
    paste_box("pool_paste", fmap_key, fmap.shape, *INPUT_RANGE)
    fmap = np.asarray(st.session_state[fmap_key], dtype=float)

if fmap.shape[0] < size or fmap.shape[1] < size:
    st.warning(t("pooling.too_small", size=size, h=fmap.shape[0], w=fmap.shape[1]))
else:
    s = stride or size
    page.step_through(fmap, size, s)
    pooled, winners = max_pool2d(fmap, size, s), pool_winners(fmap, size, s)
    st.info(t("pooling.size_formula", n=fmap.shape[0], k=size, s=s, o=pooled.shape[0]))
    with st.expander(t("pooling.winners")):
        st.markdown(
            "\n".join(
                "- " + t("pooling.winner_row", r=r + 1, c=c + 1, v=f"{pooled[r, c]:g}", ir=winners[r, c, 0] + 1,
                         ic=winners[r, c, 1] + 1)
                for r in range(pooled.shape[0])
                for c in range(pooled.shape[1])
            )
        )

st.divider()
st.subheader(t("pooling.digit_title"))
caption(t("pooling.digit_intro"))
d1, d2 = st.columns(2)
keep("pool_digit", 4)
keep("pool_filter", PATTERN_FILTERS[0])
digit = d1.selectbox(t("pooling.digit"), range(10), key="pool_digit")
name = d2.selectbox(
    t("pooling.filter"), PATTERN_FILTERS, format_func=labels("arithmetic.filter", PATTERN_FILTERS), key="pool_filter"
)
img = examples_of(digit, 1)[0] / 255.0
feature = pattern_map(img, name)
DIGIT_POOL = 2  # the lecture's MaxPool2D(): Keras' default 2×2
small = max_pool2d(feature, DIGIT_POOL)
f1, f2, f3 = st.columns(3)
f1.plotly_chart(
    image(img, title=t("pooling.fig_input", h=img.shape[0], w=img.shape[1])),
    key="pool_digit_in",
    config={"displayModeBar": False},
)
bound = (-float(feature.max()) or -1.0, float(feature.max()) or 1.0)  # one scale for both maps: the same red means the same value
f2.plotly_chart(
    ready(
        heatmap_spec(
            feature, annotate=False, zrange=bound, height=260, title=t("pooling.fig_map", h=feature.shape[0], w=feature.shape[1])
        )
    ),
    key="pool_digit_map",
    config=png("feature-map"),
)
f3.plotly_chart(
    ready(
        heatmap_spec(
            small,
            annotate=False,
            zrange=bound,
            height=260,
            title=t("pooling.fig_pooled", k=DIGIT_POOL, h=small.shape[0], w=small.shape[1]),
        )
    ),
    key="pool_digit_pooled",
    config=png("pooled"),
)
caption(t("pooling.size_formula", n=feature.shape[0], k=DIGIT_POOL, s=DIGIT_POOL, o=small.shape[0]))
page.sync_link()
take_home.notebook_button(
    "max-pooling", {"map": fmap, "size": size, "stride": stride, "digit": digit, "filter": name}, png_hint=True
)
