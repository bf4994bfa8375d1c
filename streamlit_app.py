"""The router: page config, the language switch, and the lecture's pages in order.

Streamlit runs this file as every session's script (``__name__ == "__main__"``: ``main``). ``streamlit run``
first imports it as a module and finds ``app``: the same app served with one more route, class mode's live
channel (services/class_live.py), through Streamlit's public ``st.App``.
"""

import sys

import streamlit as st

from services import class_live
from ui import class_session, classroom, page_setting, presenter, run_panel, warmup
from ui.guard import hide_error_details, mistyped, page_not_found, run_page
from ui.i18n import init_language, keep_language_in_url, lang, language_switch, localize_streamlit, t
from ui.keras_guard import guard_script_runs

# The lessons live in lessons/, NOT pages/: with a folder named pages/, Streamlit 1.67 starts every
# fresh server in its legacy multipage mode, and the first deep link (e.g. /max-pooling) pops up
# "Page not found" over the right page. tests/test_page_home.py keeps pages/ from coming back.
LECTURE = {  # the lecture's order, as the lecture map's cards: §1 … §5, the layer-stack lab, §6, §7
    "common.section.start": [("lessons/0_home.py", "common.page.home", ":material/map:", None)],
    "common.section.convolution": [
        ("lessons/1_why.py", "common.page.why_convolution", ":material/search:", "why-convolution"),
        ("lessons/2_conv2d_keras.py", "common.page.conv2d_keras", ":material/model_training:", "conv2d-in-keras"),
        ("lessons/3_filters.py", "common.page.filters", ":material/layers:", "filter-sets"),
        ("lessons/4_arithmetic.py", "common.page.arithmetic", ":material/grid_on:", "convolution-arithmetic"),
        ("lessons/5_pooling.py", "common.page.pooling", ":material/filter_alt:", "max-pooling"),
    ],
    "common.section.networks": [
        ("lessons/2_stack_lab.py", "common.page.stack_lab", ":material/stacks:", "layer-stack-lab"),
        ("lessons/6_lenet5.py", "common.page.lenet5", ":material/neurology:", "lenet-5"),
        ("lessons/7_own_images.py", "common.page.own_images", ":material/folder_zip:", "own-images"),
    ],
}


def lecture_pages() -> dict[str, list[st.Page]]:
    """LECTURE's pages in the page's language, made once per session and language (each st.Page resolves its
    script's path on the disk: nine of them were a tenth of a run's CPU). A session's runs take turns, so its
    pages are never in two runs at once; the lecture map (url_path None) is the default page."""
    key = f"_lecture_pages_{lang()}"
    if key not in st.session_state:
        st.session_state[key] = {
            section: [st.Page(path, title=t(title), icon=icon, url_path=url_path, default=url_path is None)
                      for path, title, icon, url_path in pages]
            for section, pages in LECTURE.items()
        }
    return st.session_state[key]



def main() -> None:
    """One run of the app: the router's hooks, the sidebar, the page."""
    hide_error_details()  # before anything can fail: Community Cloud's forced setting would show tracebacks
    init_language()
    presenter.init_presenter()  # ?present=1 on a session's first run; afterwards the sidebar toggle
    st.set_page_config(page_title=t("common.app_title"), page_icon=":material/grid_view:", layout="wide",
                       initial_sidebar_state=presenter.sidebar_state())
    page_setting.when_written(class_session.on_written)  # a teacher's edit reaches the class from a fragment's rerun too
    run_panel.when_requested(class_session.on_requested)  # … and so does the run a teacher asks for
    guard_script_runs()  # no Keras reset after a run (ui/keras_guard.py): not under a run, not during TF's import

    pages = lecture_pages()
    navigation = st.navigation({t(section): of for section, of in pages.items()})
    st.set_page_config(page_title=f"{navigation.title} · {t('common.app_title')}")  # each page's own tab title
    url_paths = [page.url_path for of in pages.values() for page in of]
    # ?class= once; a follower takes the teacher's view — but not by switching away from a mistyped address in the
    # run that must say so (and close Streamlit's English dialog): it catches up with the next change
    class_session.before_page(switch=mistyped(url_paths) is None)
    classroom.sidebar()  # first under the pages: the teacher's code and QR in view without scrolling the sidebar
    language_switch()
    presenter.presenter_switch(t("common.present"), t("common.present_help"))
    localize_streamlit()  # Streamlit's own English (the file uploader) in the page's language
    presenter.apply_presenter()  # large text, no captions, the sidebar collapsed (only while presenting)
    page_not_found(url_paths)
    try:
        run_page(navigation)  # no traceback, ever: a failing page shows a message and a way back (ui/guard.py)
    finally:  # st.navigation resets the URL's parameters on a page change: put ?lang= back
        keep_language_in_url()
        presenter.keep_presenter_in_url()
        class_session.after_run(navigation.url_path, finished=sys.exc_info()[0] is None)  # a teacher publishes its view
        warmup.warm_tensorflow_soon()  # the page is out: if it needs TensorFlow, import it in a background thread (ui/warmup.py)


if __name__ == "__main__":
    main()
else:  # `streamlit run streamlit_app.py` imports this module for its server first
    app = st.App(__file__, routes=class_live.routes())
