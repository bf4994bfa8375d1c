"""§1 Why convolution: count loops by hand, then let a filter find WHERE a pattern is."""

import numpy as np
import streamlit as st

from cnnlib.digits import closed_loops, examples_of, typical_loops
from cnnlib.filters import FILTER_PRESETS, PATTERN_FILTERS, pattern_map
from cnnlib.lecture import LOOP_TABLE_DIGITS
from links.pages import WHY
from ui import take_home
from ui.charts import PLOT, heatmap_spec, image, png, ready
from ui.i18n import labels, t
from ui.page_setting import PageSetting
from ui.pictures import enlarge
from ui.presenter import caption

setting = PageSetting("why-convolution", WHY)


def another(digit: int, index: int) -> None:
    setting.update(examples=tuple({**dict(setting.get().examples), digit: index + 1}.items()))


def guessed(name: str) -> None:
    setting.update(guesses=tuple({**dict(setting.get().guesses), name: st.session_state[f"why_guess_{name}"]}.items()))


st.title(t("why.title"))
caption(t("why.intro"))
st.subheader(t("why.table_title"))

revealed = setting.get().revealed
parts = ("total", "top", "bottom")
score = 0
for digit, col in zip(LOOP_TABLE_DIGITS, st.columns(len(LOOP_TABLE_DIGITS)), strict=True):
    images = examples_of(digit, None)
    first = typical_loops(digit)[1]
    index = setting.get().example(digit, first)
    img = images[index % len(images)]
    loops = closed_loops(img) if revealed else None
    counted = (loops.total, loops.top, loops.bottom) if loops else (None,) * 3
    with col.container(border=True):  # compact: the guesses, the reveal and the answers fit one projector screen
        head, pic = st.columns([1, 2], vertical_alignment="center")
        head.markdown(f"### {digit}")
        pic.image(enlarge(img, 4), width=84)
        st.caption(t("why.example", i=index % len(images) + 1, n=len(images)))
        st.button(t("why.another"), key=f"why_next_{digit}", on_click=another, args=(digit, index))
        for part, count in zip(parts, counted, strict=True):  # after the reveal each guess's label carries the count
            name = f"{digit}_{part}"
            guess = setting.get().guess(name)
            if st.session_state.get(f"why_guess_{name}") != guess:
                st.session_state[f"why_guess_{name}"] = guess
            label = t(f"why.{part}") if count is None else t("why.counted_label", part=t(f"why.{part}"), n=count)
            st.number_input(label, 0, 3, key=f"why_guess_{name}", placeholder=t("why.your_guess"), on_change=guessed,
                            args=(name,))
            score += count is not None and guess == count

b1, b2 = st.columns([1, 3], vertical_alignment="center")
b1.button(t("why.hide") if revealed else t("why.reveal"), key="why_reveal", type="primary",
          on_click=lambda: setting.update(revealed=not setting.get().revealed))
if revealed:
    b2.success(t("why.right", k=score, n=3 * len(LOOP_TABLE_DIGITS)))
caption(t("why.table_caption"))

st.divider()
st.subheader(t("why.finder_title"))
caption(t("why.finder_intro"))
c1, c2 = st.columns([1, 3])
digit = c1.selectbox(t("why.digit"), range(10), **setting.bind("why_digit", "digit"))
pattern = c2.radio(t("why.pattern"), PATTERN_FILTERS, format_func=labels("arithmetic.filter", PATTERN_FILTERS), horizontal=True,
                   **setting.bind("why_pattern", "pattern"))
overlay = st.toggle(t("why.overlay"), **setting.bind("why_overlay", "overlay"))
img = examples_of(digit, 1)[0] / 255.0
fmap = pattern_map(img, pattern)
r, c = np.unravel_index(np.argmax(fmap), fmap.shape)
f1, f2, f3 = st.columns(3)  # a Plotly chart is at least 150 px wide: at 150 % zoom a narrower column cut the filter
if overlay:  # the map's red over the digit, in the map's own colours (zero left out)
    f1.plotly_chart(image(img, title=t("why.fig_digit", d=digit), height=340, overlay=fmap), key="why_overlay_fig",
                    config=PLOT)
else:
    f1.plotly_chart(image(img, title=t("why.fig_digit", d=digit), height=340), key="why_digit_fig", config=PLOT)
f2.plotly_chart(
    ready(heatmap_spec(FILTER_PRESETS[pattern], height=170, title=t("why.fig_filter"), colorbar=False)),
    key="why_filter_fig",
    config=PLOT,
)
f3.plotly_chart(
    ready(heatmap_spec(fmap, annotate=False, marks=[(int(r), int(c))], height=340, title=t("why.fig_map"))),
    key="why_map_fig",
    config=png("feature-map"),
)
st.info(t("why.strongest", r=r + 1, c=c + 1, v=f"{fmap[r, c]:.2f}"))  # 1-based, as on the slides
take_home.notebook_button("why-convolution", {"digit": digit, "pattern": pattern}, png_hint=True)
