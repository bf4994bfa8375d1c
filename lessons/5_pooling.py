"""§5 Max-pooling: why (66,790 → 203,068 → 9,532), the slide's windows one at a time, any map from §4, a real digit."""

import streamlit as st

from cnnlib.digits import examples_of
from cnnlib.filters import INPUT_RANGE, PATTERN_FILTERS, pattern_map
from cnnlib.lecture import POOLING_EXAMPLE_6X6
from cnnlib.pooling import max_pool2d, pool_winners
from links.pages import POOL_SIZES, POOL_SOURCES, POOL_STRIDES
from ui import pooling as page
from ui import take_home
from ui.charts import heatmap_spec, image, png, ready
from ui.grids import paste_box, session_cells
from ui.i18n import labels, t
from ui.presenter import caption

setting = page.SETTING
setting.get()  # read from the address on the first visit of a session
st.title(t("pooling.title"))
caption(t("pooling.intro"))
setting.notice()

page.story()

st.divider()
st.subheader(t("pooling.example_title"))
if "carried_map" in st.session_state and st.session_state.pop("carried_fresh", False):
    setting.update(src="carried")  # §4's "max-pool this feature map"
c0, c1, c2 = st.columns([2.2, 1, 3])
h, w = POOLING_EXAMPLE_6X6.shape
source_names = {o: t(f"pooling.source.{o}", h=h, w=w) for o in POOL_SOURCES}
source = c0.radio(t("pooling.source"), POOL_SOURCES, format_func=source_names.__getitem__, **setting.bind("pool_source", "src"))
if source == "carried" and "carried_map" not in st.session_state:
    st.info(t("pooling.no_carried"))
    source = "slide"
fmap_cells = page.SLIDE_MAP if source == "slide" else session_cells("carried_map", POOLING_EXAMPLE_6X6)
fmap = fmap_cells.get()

size = c1.radio(t("pooling.size"), POOL_SIZES, horizontal=True, **setting.bind("pool_size", "size"))
stride_names = {None: t("pooling.stride_default"), 1: "1", 2: "2", 3: "3"}
stride = c2.radio(t("pooling.stride"), POOL_STRIDES, horizontal=True, format_func=stride_names.__getitem__,
                  **setting.bind("pool_stride", "stride"))
with st.expander(t("pooling.edit")):
    paste_box("pool_paste", fmap_cells, fmap.shape, *INPUT_RANGE)
    fmap = fmap_cells.get()

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
digit = d1.selectbox(t("pooling.digit"), range(10), **setting.bind("pool_digit", "digit"))
name = d2.selectbox(t("pooling.filter"), PATTERN_FILTERS, format_func=labels("arithmetic.filter", PATTERN_FILTERS),
                    **setting.bind("pool_filter", "filter"))
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
setting.sync()
take_home.notebook_button(
    "max-pooling", {"map": fmap, "size": size, "stride": stride, "digit": digit, "filter": name}, png_hint=True
)
