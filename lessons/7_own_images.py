"""§7 Train on your own images: a zip of class folders, notMNIST, or letters drawn offline."""

import pandas as pd
import streamlit as st

from cnnlib.datasets import DatasetError
from cnnlib.images import load_image, match_background
from cnnlib.inference import classify, per_class_accuracy
from services.training_data import register_for_training
from ui import own_images as own
from ui import take_home
from ui.charts import PLOT
from ui.confusion import confusion_section
from ui.guard import end_page
from ui.i18n import message, t
from ui.pictures import enlarge
from ui.presenter import caption
from ui.run_panel import final_curves, run_panel, seconds_text, service
from ui.warmup import Gate

own.SETTING.get()  # read from the address on the first visit of a session
st.title(t("own.title"))
caption(t("own.intro"))
own.SETTING.notice()

source = own.source_widget()
loaders = {"letters": own.letters_source, "upload": own.upload_source, "notmnist": own.notmnist_source}
folder_set, origin = loaders[source]()
if folder_set is None:
    own.SETTING.sync()
    end_page()

# ---- the report the lecture prints before training --------------------------------------------
st.subheader(t("own.report"))
m1, m2, m3 = st.columns(3)
m1.metric(t("own.images"), f"{len(folder_set.images):,}")
m2.metric(t("own.classes"), f"{len(folder_set.class_names):,}")
m3.metric(t("own.skipped_count"), f"{folder_set.skipped_total:,}")
st.metric(t("own.shape"), str(folder_set.images.shape))  # e.g. (18724, 28, 28, 1): a row of its own, never cut
if folder_set.root:
    caption(t("own.root", root=own.plain(folder_set.root)))
for notice in folder_set.notices:
    st.warning(own.say(notice))  # names from the upload, shown as plain text
own.skipped_table(folder_set.skipped, folder_set.skipped_total)

counts = folder_set.class_counts()
st.markdown(f"**{t('own.counts')}**")
st.plotly_chart(own.count_bars(list(counts), list(counts.values())), key="own_counts", config=PLOT)

st.markdown(f"**{t('own.onehot')}**")
onehot = pd.get_dummies(folder_set.labels)  # as the slide: 종속 = pd.get_dummies(labels)
st.caption(t("own.onehot_caption", n=onehot.shape[1], columns=", ".join(map(own.plain, onehot.columns))))
rows = onehot.sample(min(5, len(onehot)), random_state=0).astype(int)
st.dataframe(rows.set_axis(rows.index + 1), key="own_onehot")  # image numbers from 1, as on the slides

st.markdown(f"**{t('own.grid')}**")
own.class_grid(folder_set)

# ---- training, through the shared service (cached: the same data and settings replay) ---------
st.subheader(t("own.train"))
try:
    dataset = register_for_training(folder_set, origin)
except DatasetError as err:  # e.g. one image per class: nothing left to test on
    st.error(own.say(err))
    end_page()
names, k = dataset.class_names, len(dataset.class_names)
config = own.run_config(dataset)
own.code_view(config, folder_set, source)  # the lecture's code for this data and these settings
take_home.notebook_button("own-images", own.notebook_settings())
snap = run_panel("own", config, t("own.train_button")) if config is not None else None
if snap is None:
    end_page()

# ---- results ------------------------------------------------------------------------------------
result = snap.result
st.subheader(t("own.results"))
r1, r2 = st.columns([1, 3])
r1.metric(t("own.accuracy"), f"{result.test_accuracy:.1%}")
r2.caption(t("own.trained_in", seconds=seconds_text(result.fit_seconds), rate=f"{result.samples_per_second:,.0f}",
             params=f"{result.params:,}"))
if result.cached:
    r2.caption(t("own.cached"))
take_home.run_files("own", result)

final_curves("own", result)  # loss and accuracy per epoch, as on §6
st.markdown(f"**{t('own.per_class')}**")
accuracy = per_class_accuracy(result.confusion)
st.plotly_chart(own.count_bars(names, accuracy, percent=True), key="own_class_accuracy", config=PLOT)
st.markdown(f"**{t('own.confusion')}**")
confusion_section("own", result, data=dataset, plain=own.plain)  # the one confusion matrix (§6 too)

# ---- one picture of your own ----------------------------------------------------------------------
st.subheader(t("own.predict"))
upload = st.file_uploader(t("own.predict_upload"), key="own_predict_upload")
if upload is not None:
    try:
        picture, inverted = match_background(load_image(upload), folder_set.images)
    except DatasetError as err:
        st.error(message(err))
        end_page()
    gate = Gate()  # the model needs TensorFlow: while it loads in the background, a note here; it fills in
    if not gate.ready:
        gate.note()
        end_page()
    with st.spinner(t("own.tf_loading")):  # CNNLIB_WARM_TF=0: this run imports TensorFlow itself
        model = service().load_model(result.key)
        chances = None if model is None else classify(model, picture[None], config.scaling)[0]
    if chances is None:
        st.warning(t("training.model_gone"))
        end_page()
    p1, p2 = st.columns([1, 3])
    p1.image(enlarge(picture[..., 0], 6), caption=t("own.model_input"))
    if inverted:
        p1.caption(t("own.predict_inverted"))
    best = int(chances.argmax())
    p2.success(t("own.prediction", label=own.plain(names[best]), p=f"{chances[best]:.1%}"))
    p2.plotly_chart(own.count_bars(names, chances, percent=True), key="own_prediction", config=PLOT)
