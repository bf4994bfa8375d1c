"""The router: page config, the language switch, and the lecture's pages in order."""

import sys

import streamlit as st

from services.runs.fit import when_tensorflow_loads
from ui import class_session, classroom, page_setting, presenter, run_panel, warmup
from ui.guard import hide_error_details, mistyped, page_not_found, run_page
from ui.i18n import init_language, keep_language_in_url, language_switch, localize_streamlit, t
from ui.keras_guard import guard_clear_session, guard_if_keras_loaded

hide_error_details()  # before anything can fail: Community Cloud's forced setting would show tracebacks
init_language()
presenter.init_presenter()  # ?present=1 on a session's first run; afterwards the sidebar toggle
st.set_page_config(page_title=t("common.app_title"), page_icon=":material/grid_view:", layout="wide",
                   initial_sidebar_state=presenter.sidebar_state())
page_setting.when_written(class_session.on_written)  # a teacher's edit reaches the class from a fragment's rerun too
run_panel.when_requested(class_session.on_requested)  # … and so does the run a teacher asks for
when_tensorflow_loads(guard_clear_session)  # a training run must not see Streamlit's clear_session (no Keras import here)

# The lessons live in lessons/, NOT pages/: with a folder named pages/, Streamlit 1.67 starts every
# fresh server in its legacy multipage mode, and the first deep link (e.g. /max-pooling) pops up
# "Page not found" over the right page. tests/test_page_home.py keeps pages/ from coming back.
PAGES = {  # the lecture's order, as the lecture map's cards: §1 … §5, the layer-stack lab, §6, §7
    "common.section.start": [
        st.Page("lessons/0_home.py", title=t("common.page.home"), icon=":material/map:", default=True),
    ],
    "common.section.convolution": [
        st.Page("lessons/1_why.py", title=t("common.page.why_convolution"), icon=":material/search:", url_path="why-convolution"),
        st.Page(
            "lessons/2_conv2d_keras.py",
            title=t("common.page.conv2d_keras"),
            icon=":material/model_training:",
            url_path="conv2d-in-keras",
        ),
        st.Page("lessons/3_filters.py", title=t("common.page.filters"), icon=":material/layers:", url_path="filter-sets"),
        st.Page(
            "lessons/4_arithmetic.py",
            title=t("common.page.arithmetic"),
            icon=":material/grid_on:",
            url_path="convolution-arithmetic",
        ),
        st.Page("lessons/5_pooling.py", title=t("common.page.pooling"), icon=":material/filter_alt:", url_path="max-pooling"),
    ],
    "common.section.networks": [
        st.Page("lessons/2_stack_lab.py", title=t("common.page.stack_lab"), icon=":material/stacks:", url_path="layer-stack-lab"),
        st.Page("lessons/6_lenet5.py", title=t("common.page.lenet5"), icon=":material/neurology:", url_path="lenet-5"),
        st.Page(
            "lessons/7_own_images.py", title=t("common.page.own_images"), icon=":material/folder_zip:", url_path="own-images"
        ),
    ],
}

navigation = st.navigation({t(section): pages for section, pages in PAGES.items()})
st.set_page_config(page_title=f"{navigation.title} · {t('common.app_title')}")  # each page's own tab title
URL_PATHS = [page.url_path for pages in PAGES.values() for page in pages]
# ?class= once; a follower takes the teacher's view — but not by switching away from a mistyped address in the
# run that must say so (and close Streamlit's English dialog): it catches up with the next change
class_session.before_page(switch=mistyped(URL_PATHS) is None)
classroom.sidebar()  # first under the pages: the teacher's code and QR in view without scrolling the sidebar
language_switch()
presenter.presenter_switch(t("common.present"), t("common.present_help"))
localize_streamlit()  # Streamlit's own English (the file uploader) in the page's language
presenter.apply_presenter()  # large text, no captions, the sidebar collapsed (only while presenting)
page_not_found(URL_PATHS)
try:
    run_page(navigation)  # no traceback, ever: a failing page shows a message and a way back (ui/guard.py)
finally:  # st.navigation resets the URL's parameters on a page change: put ?lang= back
    keep_language_in_url()
    presenter.keep_presenter_in_url()
    class_session.after_run(navigation.url_path, finished=sys.exc_info()[0] is None)  # a teacher publishes its view
    guard_if_keras_loaded()  # a page loaded Keras: stop Streamlit clearing its session after every run
    warmup.warm_tensorflow_soon()  # the page is out: if it needs TensorFlow, import it in a background thread (ui/warmup.py)
