"""§5 Max-pooling: the slide's worked example, any map from §4, and a real digit."""

import numpy as np
import streamlit as st

from cnnlib.digits import examples_of
from cnnlib.filters import INPUT_RANGE, PATTERN_FILTERS, pattern_map
from cnnlib.lecture import POOLING_EXAMPLE_6X6
from cnnlib.pooling import max_pool2d, pool_winners
from ui.charts import heatmap, image, png
from ui.grids import paste_box
from ui.i18n import labels, t
from ui.state import keep
from ui import take_home

st.title(t("pooling.title"))
st.caption(t("pooling.intro"))

sources = ["slide", "carried"]
keep("pool_source", "carried" if "carried_map" in st.session_state else "slide")
if "carried_map" in st.session_state and st.session_state.pop("carried_fresh", False):
    st.session_state.pool_source = "carried"
source = st.radio(t("pooling.source"), sources, format_func=labels("pooling.source", sources), key="pool_source", horizontal=True)
if "pool_slide_map" not in st.session_state:
    st.session_state.pool_slide_map = POOLING_EXAMPLE_6X6.copy()
if source == "carried" and "carried_map" not in st.session_state:
    st.info(t("pooling.no_carried"))
    source = "slide"
fmap_key = "pool_slide_map" if source == "slide" else "carried_map"
fmap = np.asarray(st.session_state[fmap_key], dtype=float)

c1, c2 = st.columns(2)
size = c1.radio(t("pooling.size"), (2, 3), key="pool_size", horizontal=True, index=0)
stride = c2.radio(t("pooling.stride"), (None, 1, 2, 3), key="pool_stride", horizontal=True, format_func={None: t("pooling.stride_default"), 1: "1", 2: "2", 3: "3"}.__getitem__)
with st.expander(t("pooling.edit")):
    paste_box("pool_paste", fmap_key, fmap.shape, *INPUT_RANGE)
    fmap = np.asarray(st.session_state[fmap_key], dtype=float)

if fmap.shape[0] < size or fmap.shape[1] < size:
    st.warning(t("pooling.too_small", size=size, h=fmap.shape[0], w=fmap.shape[1]))
else:
    s = stride or size
    pooled, winners = max_pool2d(fmap, size, s), pool_winners(fmap, size, s)
    st.info(t("pooling.size_formula", n=fmap.shape[0], k=size, s=s, o=pooled.shape[0]))
    left, right = st.columns([3, 2])
    left.plotly_chart(
        heatmap(fmap, diverging=fmap.min() < 0, marks=[tuple(rc) for rc in winners.reshape(-1, 2)], height=420, title=t("pooling.input", h=fmap.shape[0], w=fmap.shape[1])),
        key="pool_in_fig", config={"displayModeBar": False},
    )
    right.plotly_chart(
        heatmap(pooled, diverging=fmap.min() < 0, height=320, title=t("pooling.output", h=pooled.shape[0], w=pooled.shape[1])),
        key="pool_out_fig", config=png("pooled"),
    )
    with right.expander(t("pooling.winners")):
        st.markdown("\n".join(
            f"- {t('pooling.winner_row', r=r + 1, c=c + 1, v=f'{pooled[r, c]:g}', ir=winners[r, c, 0] + 1, ic=winners[r, c, 1] + 1)}"
            for r in range(pooled.shape[0]) for c in range(pooled.shape[1])
        ))

st.divider()
st.subheader(t("pooling.digit_title"))
st.caption(t("pooling.digit_intro"))
d1, d2 = st.columns(2)
digit = d1.selectbox(t("pooling.digit"), range(10), index=4, key="pool_digit")
name = d2.selectbox(t("pooling.filter"), PATTERN_FILTERS, format_func=labels("arithmetic.filter", PATTERN_FILTERS), key="pool_filter")
img = examples_of(digit, 1)[0] / 255.0
feature = pattern_map(img, name)
small = max_pool2d(feature, 2)
f1, f2, f3 = st.columns(3)
f1.plotly_chart(image(img, title=t("pooling.fig_input")), key="pool_digit_in", config={"displayModeBar": False})
f2.plotly_chart(image(feature, title=t("pooling.fig_map", h=feature.shape[0], w=feature.shape[1])), key="pool_digit_map", config=png("feature-map"))
f3.plotly_chart(image(small, title=t("pooling.fig_pooled", h=small.shape[0], w=small.shape[1])), key="pool_digit_pooled", config=png("pooled"))
st.caption(t("pooling.size_formula", n=feature.shape[0], k=2, s=2, o=small.shape[0]))
take_home.notebook_button("max-pooling", {"map": fmap, "size": size, "stride": stride, "digit": digit, "filter": name}, png_hint=True)
