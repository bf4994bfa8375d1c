"""§7 Train on your own images: a zip of class folders, notMNIST, or letters drawn offline."""

import numpy as np
import pandas as pd
import streamlit as st

from cnnlib.architecture import count_params, preset
from cnnlib.datasets import DatasetError
from cnnlib.errors import LessonError
from cnnlib.image_folders import (
    TEST_FRACTION,
    classify,
    load_image,
    match_background,
    per_class_accuracy,
    register_for_training,
    with_classes,
)
from cnnlib.training import RunConfig, get_service, seconds_text
from ui import links
from ui import own_images as own
from ui.i18n import message, t
from ui.pictures import enlarge
from ui.state import keep

own.init_from_link()
st.title(t("own.title"))
st.caption(t("own.intro"))
links.notice("own")

source = own.source_widget()
loaders = {"letters": own.letters_source, "upload": own.upload_source, "notmnist": own.notmnist_source}
folder_set, origin = loaders[source]()
if folder_set is None:
    own.sync_link()
    st.stop()

# ---- the report the lecture prints before training --------------------------------------------
st.subheader(t("own.report"))
m1, m2, m3, m4 = st.columns([1, 1, 2, 1])  # the shape, e.g. (18724, 28, 28, 1), needs room
m1.metric(t("own.images"), f"{len(folder_set.images):,}")
m2.metric(t("own.classes"), f"{len(folder_set.class_names):,}")
m3.metric(t("own.shape"), str(folder_set.images.shape))
m4.metric(t("own.skipped_count"), f"{len(folder_set.skipped):,}")
if folder_set.root:
    st.caption(t("own.root", root=folder_set.root))
for notice in folder_set.notices:
    st.warning(message(notice))
own.skipped_table(folder_set.skipped)

counts = folder_set.class_counts()
st.markdown(f"**{t('own.counts')}**")
st.plotly_chart(own.count_bars(list(counts), list(counts.values())), key="own_counts",
                config={"displayModeBar": False})

st.markdown(f"**{t('own.onehot')}**")
onehot = pd.get_dummies(folder_set.labels)  # as the slide: 종속 = pd.get_dummies(labels)
st.caption(t("own.onehot_caption", n=onehot.shape[1], columns=", ".join(map(str, onehot.columns))))
st.dataframe(onehot.sample(min(5, len(onehot)), random_state=0).astype(int), key="own_onehot")

st.markdown(f"**{t('own.grid')}**")
own.class_grid(folder_set)

# ---- training, through the shared service (cached: the same data and settings replay) ---------
st.subheader(t("own.train"))
dataset = register_for_training(folder_set, origin)
names, k = dataset.class_names, len(dataset.class_names)
c1, c2 = st.columns(2)
keep("own_model", "lenet5")
keep("own_epochs", 5)
model = c1.radio(t("own.model"), own.MODELS, key="own_model", horizontal=True,
                 format_func={m: t(f"own.model.{m}") for m in own.MODELS}.__getitem__)
epochs = c2.slider(t("own.epochs"), 1, 20, key="own_epochs")
own.sync_link()
if model == "lab" and not st.session_state.get("lab_stack"):
    st.info(t("own.model_lab_missing"))
    model = "lenet5"
stack = st.session_state.lab_stack if model == "lab" else preset("lenet5")[0]
config = RunConfig(stack=tuple(with_classes(stack, k)), input_shape=(28, 28, 1), dataset=dataset.name,
                   train_size=min(len(dataset.x_train), 60_000), epochs=int(epochs))
try:
    params = count_params(list(config.stack), config.input_shape)  # no TensorFlow needed
except LessonError as err:  # a lab stack that cannot take 28×28×1 pictures
    st.error(message(err))
    st.stop()
st.caption(t("own.split", pct=round(TEST_FRACTION * 100), train=f"{len(dataset.x_train):,}",
             test=f"{len(dataset.x_test):,}", k=k, params=f"{params:,}"))

service = get_service()
run = service.lookup(config)
if run is not None and run.state == "failed":
    st.error(t("own.failed", msg=message(run.error) if run.error else "?"))
elif run is not None and run.state == "cancelled":
    st.info(t("own.cancelled"))
if (run is None or run.state in ("failed", "cancelled")) and st.button(t("own.train_button"), key="own_train",
                                                                       type="primary"):
    try:
        run = service.submit(config)
    except LessonError as err:
        st.error(message(err))
        st.stop()
if run is not None and run.state in ("queued", "running"):
    own.progress(run.key)
    st.stop()
if run is None or run.state != "done" or run.result is None:
    st.stop()

# ---- results ------------------------------------------------------------------------------------
result = run.result
st.subheader(t("own.results"))
r1, r2 = st.columns([1, 3])
r1.metric(t("own.accuracy"), f"{result.test_accuracy:.1%}")
r2.caption(t("own.trained_in", seconds=seconds_text(result.fit_seconds), rate=f"{result.samples_per_second:,.0f}",
             params=f"{result.params:,}"))
if result.cached:
    r2.caption(t("own.cached"))

left, right = st.columns(2)
left.markdown(f"**{t('own.per_class')}**")
accuracy = per_class_accuracy(result.confusion)
left.plotly_chart(own.count_bars(names, accuracy, percent=True), key="own_class_accuracy",
                  config={"displayModeBar": False})
right.markdown(f"**{t('own.confusion')}**")
right.plotly_chart(own.confusion_figure(result.confusion, names), key="own_confusion",
                   config={"displayModeBar": False})

off = np.array(result.confusion, copy=True)
np.fill_diagonal(off, 0)
worst = np.unravel_index(int(off.argmax()), off.shape) if off.any() else (0, 0)  # the most common mistake
e1, e2 = st.columns(2)
true_k = e1.selectbox(t("own.true"), range(k), index=int(worst[0]), format_func=names.__getitem__,
                      key=f"own_ex_true_{result.key}")
pred_k = e2.selectbox(t("own.predicted"), range(k), index=int(worst[1]), format_func=names.__getitem__,
                      key=f"own_ex_pred_{result.key}")
shown = result.misclassified(true_k, pred_k, dataset.y_test)
st.caption(t("own.examples", true=names[true_k], pred=names[pred_k], n=f"{len(shown):,}"))
if len(shown):
    st.image(enlarge(own.class_strip(dataset.x_test[shown][..., None], 16), 3))
else:
    st.info(t("own.examples_none"))

# ---- one picture of your own ----------------------------------------------------------------------
st.subheader(t("own.predict"))
upload = st.file_uploader(t("own.predict_upload"), key="own_predict_upload")
if upload is not None:
    try:
        picture, inverted = match_background(load_image(upload), folder_set.images)
    except DatasetError as err:
        st.error(message(err))
        st.stop()
    with st.spinner(t("own.tf_loading")):
        chances = classify(service.load_model(result.key), picture[None], run.config.scaling)[0]
    p1, p2 = st.columns([1, 3])
    p1.image(enlarge(picture[..., 0], 6), caption=t("own.model_input"))
    if inverted:
        p1.caption(t("own.predict_inverted"))
    best = int(chances.argmax())
    p2.success(t("own.prediction", label=names[best], p=f"{chances[best]:.1%}"))
    p2.plotly_chart(own.count_bars(names, chances, percent=True), key="own_prediction",
                    config={"displayModeBar": False})
