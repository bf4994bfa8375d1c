"""AppTest: the layer-stack lab (§2, §5) in Korean and English."""

import pytest

from cnnlib.architecture import MAX_LAYERS, STACK_LIMITS, count_params, preset
from cnnlib.stack_text import decode_stack, encode_stack
from tests.apphelp import assert_clean, commit_component, component_data, fragment_reruns, open_page, page_record
from tests.stackhelp import ABOVE_LIMIT_LINKS as ABOVE_LIMITS
from ui.stack_lab import BENCH, NEW_LAYER

PAGE = "lessons/2_stack_lab.py"
TITLE = {"ko": "층 쌓기 실험실: model.summary()", "en": "Layer-stack lab: model.summary()"}


def editor(at) -> dict:
    """What the layer editor (static/stacklab.js) was given to show: layers, lines (under each layer), total."""
    return component_data(at, BENCH)["state"]


def total(at) -> str:
    return editor(at)["total"]


def layers(at) -> list[dict]:
    return editor(at)["layers"]


def commit(at, stack: list) -> None:
    """The editor commits the whole stack, as the browser does once an edit ends."""
    commit_component(at, BENCH, {"stack": stack})


def with_layer(at, i: int, **changes) -> list[dict]:
    """The editor's layers with layer i's settings changed, as a box or a select in its row changes them."""
    shown = layers(at)
    return [*shown[:i], {**shown[i], **changes}, *shown[i + 1:]]


def stack_of(at) -> list[dict]:
    return list(page_record(at, "layer-stack-lab").stack)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_opens_on_the_lecture_model_with_its_total(lang):
    at = open_page(PAGE, lang)
    assert_clean(at)
    assert at.title[0].value == TITLE[lang]
    assert total(at) == "203,068"
    table = at.dataframe[0].value
    assert "84 × (2400 + 1) = 201,684" in list(table.iloc[:, 3])
    assert list(table.iloc[:, 2]) == ["0", "78", "456", "0", "201,684", "850"]
    assert "X = tf.keras.layers.Input(shape=[28, 28, 1])" in at.code[0].value
    assert at.query_params["stack"] == encode_stack(*preset("two_conv"))
    # each row's output shape and count under it, in the page's language
    out = {"ko": "→ 출력 (None, 24, 24, 3), 파라미터 78개", "en": "→ output (None, 24, 24, 3), 78 params"}[lang]
    assert editor(at)["lines"][0] == {"text": out}
    assert [layer["type"] for layer in layers(at)] == ["Conv2D", "Conv2D", "Flatten", "Dense", "Dense"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_editor_gets_its_words_once_in_the_pages_language(lang):
    from words import load_catalogue

    at = open_page(PAGE, lang)
    kit = component_data(at, BENCH)["kit"]
    catalogue = load_catalogue()
    assert kit["words"]["add"] == catalogue["lab.add"][lang] and kit["words"]["kernel_size"] == catalogue["lab.kernel_size"][lang]
    assert str(MAX_LAYERS) in kit["words"]["add_full"] and "{" not in kit["words"]["add_full"]
    assert kit["max_layers"] == MAX_LAYERS and kit["new"] == NEW_LAYER
    assert all(isinstance(word, str) and word and "⟨" not in word for word in kit["words"].values())
    commit(at, with_layer(at, 0, filters=4))  # a commit names the kit it has: not sent again
    assert "kit" not in component_data(at, BENCH)


@pytest.mark.parametrize(("lang", "name", "expected"), [
    ("ko", "two_conv_pool", "9,532"), ("en", "lenet5", "61,706"), ("en", "dense_only", "66,790"),
])
def test_presets_show_the_slides_totals(lang, name, expected):
    at = open_page(PAGE, lang)
    at.button(key=f"lab_preset_{name}").click().run()
    assert_clean(at)
    assert total(at) == expected
    if name == "dense_only":
        assert at.radio(key="lab_input_choice").value == "28x28"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_invalid_stack_shows_the_message_and_no_exception(lang):
    at = open_page(PAGE, lang)
    commit(at, with_layer(at, 0, kernel_size=30))
    assert_clean(at)
    assert at.error, "the refusal must be on screen"
    message = at.error[0].value
    assert ("30×30" in message) and ("28×28" in message)
    assert ("Layer 1" in message) if lang == "en" else ("1번째 층" in message)
    assert total(at) == "—"
    assert editor(at)["lines"][0] == {"text": message, "error": True}  # under the layer where the stack breaks
    commit(at, with_layer(at, 0, kernel_size=5))
    assert not at.error and total(at) == "203,068"


def test_conv_after_flatten_is_explained():
    at = open_page(PAGE, "en")
    shown = layers(at)  # the editor puts a new Flatten, then a Dense, before the softmax layer
    commit(at, [*shown[:-1], NEW_LAYER["Flatten"], NEW_LAYER["Dense"], shown[-1]])
    assert_clean(at)
    assert [layer["type"] for layer in stack_of(at)][-3:] == ["Flatten", "Dense", "Dense"]
    assert not at.error
    shown = layers(at)
    commit(at, [shown[0], shown[2], shown[1], *shown[3:]])  # ↓ on Conv2D(6): below Flatten
    assert_clean(at)
    assert at.error and "Flatten" in at.error[0].value


def test_add_move_remove_change_the_total():
    at = open_page(PAGE, "en")
    at.button(key="lab_preset_two_conv_pool").click().run()
    assert total(at) == "9,532"
    shown = layers(at)
    commit(at, [*shown[:4], NEW_LAYER["Conv2D"], *shown[4:]])  # a Conv2D(8, 3) before the Flatten: 8·(3·3·6+1) = 440
    assert_clean(at)
    kinds = [layer["type"] for layer in stack_of(at)]
    assert kinds[4] == "Conv2D" and kinds[5] == "Flatten"
    # (4,4,6) → (2,2,8): Flatten 32, Dense 84·33 = 2,772; total 78+456+440+2,772+850
    assert total(at) == f"{78 + 456 + 440 + 84 * 33 + 850:,}"
    assert at.query_params["stack"] == encode_stack(stack_of(at), (28, 28, 1))  # the link follows
    shown = layers(at)
    commit(at, shown[:4] + shown[5:])  # ✕ on it
    assert total(at) == "9,532"
    shown = layers(at)
    commit(at, shown[:1] + shown[2:])  # drop the first pooling
    assert total(at) == f"{78 + 456 + 84 * (10 * 10 * 6 + 1) + 850:,}"  # 24→20→pool 10: 600 into the Dense
    shown = layers(at)
    commit(at, [shown[0], shown[2], shown[1], *shown[3:]])  # ↓ on the second Conv2D: the pooling before it
    assert [layer["type"] for layer in stack_of(at)][:3] == ["Conv2D", "MaxPool2D", "Conv2D"]
    assert total(at) == f"{78 + 456 + 84 * (8 * 8 * 6 + 1) + 850:,}"  # 24→pool 12→8


def test_every_setting_of_a_row_reaches_the_record_and_the_link():
    at = open_page(PAGE, "en", query={"stack": "i28x28x1_c6-k5_m2_c16-k5_a2_f_d120_r0.5_d10-softmax"})
    shown = layers(at)
    assert shown[1] == {"type": "MaxPool2D", "pool_size": 2, "strides": None, "padding": "valid"}  # "= pool size"
    edited = [{**shown[0], "filters": 4, "kernel_size": 3, "strides": 1, "padding": "same", "activation": "relu"},
              {**shown[1], "pool_size": 3, "strides": 2}, *shown[2:6],
              {**shown[6], "rate": 0.3}, {**shown[7], "units": 10, "activation": None}]
    commit(at, edited)
    assert_clean(at)
    stack = stack_of(at)
    assert stack[0] == {"type": "Conv2D", "filters": 4, "kernel_size": 3, "strides": 1, "padding": "same",
                        "activation": "relu"}
    assert stack[1] == {"type": "MaxPool2D", "pool_size": 3, "strides": 2, "padding": "valid"}
    assert stack[6]["rate"] == 0.3 and stack[7] == {"type": "Dense", "units": 10, "activation": None}
    assert at.query_params["stack"] == encode_stack(stack, (28, 28, 1))
    assert total(at) == f"{count_params(stack, (28, 28, 1)):,}"
    assert layers(at)[1]["strides"] == 2


def test_a_non_square_size_from_a_link_is_kept_through_edits():
    stack = [{"type": "Conv2D", "filters": 3, "kernel_size": (3, 5)}, {"type": "Flatten"}]
    at = open_page(PAGE, "en", query={"stack": encode_stack(stack, (28, 28, 1))})
    assert layers(at)[0]["kernel_size"] == [3, 5]  # shown as 3×5
    commit(at, with_layer(at, 0, filters=4))
    assert stack_of(at)[0]["kernel_size"] == (3, 5) and stack_of(at)[0]["filters"] == 4


@pytest.mark.parametrize("bad", [
    "not a list", None, 5, {"type": "Conv2D"}, [None], ["Conv2D"], [{"type": "Transformer"}], [{"type": None}],
    [{"type": "Conv2D", "filters": "many", "kernel_size": 3}], [{"type": "Conv2D", "filters": float("nan"), "kernel_size": 3}],
    [{"type": "Conv2D", "filters": 3, "kernel_size": float("inf")}], [{"type": "Conv2D", "filters": True, "kernel_size": 3}],
    [{"type": "Conv2D", "filters": 3}], [{"type": "Conv2D", "filters": 3, "kernel_size": 3, "padding": "full"}],
    [{"type": "Dense", "units": 3, "activation": "__class__"}], [{"type": "Dense", "units": 3, "bias": 1}],
    [{"type": "Dropout", "rate": "0.5"}], [{"type": "Conv2D", "filters": 3, "kernel_size": [1, 2, 3]}],
    [{"type": "Conv2D", "filters": 3, "kernel_size": [[1], 2]}], [{"type": "MaxPool2D", "pool_size": {"a": 1}}],
], ids=repr)
def test_a_commit_that_cannot_be_used_is_ignored_without_a_traceback(bad):
    at = open_page(PAGE, "ko")
    before = stack_of(at)
    commit(at, bad)
    assert_clean(at)
    assert stack_of(at) == before and total(at) == "203,068"
    commit(at, with_layer(at, 0, filters=4))  # the editor works on
    assert stack_of(at)[0]["filters"] == 4


def test_numbers_beyond_the_limits_are_clamped():
    at = open_page(PAGE, "en")
    commit(at, [{"type": "Conv2D", "filters": 10**9, "kernel_size": 0, "strides": -3.7, "activation": "relu"},
                {"type": "Dropout", "rate": 7.5}, {"type": "MaxPool2D", "pool_size": 2.4}, {"type": "Flatten"},
                {"type": "Dense", "units": 1e300}])
    assert_clean(at)
    conv, drop, pool, _, dense = stack_of(at)
    assert conv["filters"] == STACK_LIMITS["filters"][1] and conv["kernel_size"] == 1 and conv["strides"] == 1
    assert drop["rate"] == 1.0 and pool["pool_size"] == 2 and dense["units"] == STACK_LIMITS["units"][1]


def test_more_than_the_layer_limit_keeps_the_first():
    at = open_page(PAGE, "en")
    commit(at, [NEW_LAYER["Dropout"]] * (MAX_LAYERS + 5))
    assert_clean(at)
    assert len(stack_of(at)) == MAX_LAYERS == len(layers(at))


def test_an_editor_commit_reruns_only_the_fragment_and_updates_all_it_shows():
    at = open_page(PAGE, "en")
    with fragment_reruns(at):
        commit(at, with_layer(at, 0, filters=4))
        assert_clean(at)
        assert not at.title  # the page above the fragment did not run again
        assert total(at) == f"{count_params(stack_of(at), (28, 28, 1)):,}"
        assert "tf.keras.layers.Conv2D(4, kernel_size=5" in at.code[0].value
        assert list(at.dataframe[0].value.iloc[:, 2])[1] == f"{4 * 26:,}"
        assert at.query_params["stack"].startswith("i28x28x1_c4-k5")
    at.run()  # the whole page again (the tree held only the fragment)
    at.button(key="lab_cmp_add").click().run()  # outside the fragment: "add this model" takes the edited stack
    assert page_record(at, "layer-stack-lab").cmp == (at.query_params["stack"],)


def test_dense_on_a_feature_map_is_explained_not_refused():
    stack = [{"type": "Conv2D", "filters": 3, "kernel_size": 5}, {"type": "Dense", "units": 4}]
    at = open_page(PAGE, "en", query={"stack": encode_stack(stack, (28, 28, 1))})
    assert_clean(at)
    assert not at.error
    assert total(at) == f"{78 + 16:,}"
    assert any("last axis" in i.value for i in at.info)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_link_opens_the_same_stack(lang):
    text = encode_stack(*preset("lenet5"))
    at = open_page(PAGE, lang, query={"stack": text, "cmp": [encode_stack(*preset("dense_only"))]})
    assert_clean(at)
    assert total(at) == "61,706"
    assert [m.value for m in at.metric] == ["66,790"]
    assert at.query_params["stack"] == text


def test_bad_link_falls_back_with_a_notice():
    at = open_page(PAGE, "en", query={"stack": "i28x28x1_c0-k5", "cmp": ["nonsense"]})
    assert_clean(at)
    assert at.warning and "stack" in at.warning[0].value and "cmp" in at.warning[0].value
    assert total(at) == "203,068"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_pooling_story_is_one_click(lang):
    at = open_page(PAGE, lang)
    at.button(key="lab_cmp_story").click().run()
    assert_clean(at)
    assert [m.value for m in at.metric] == ["203,068", "9,532"]
    assert any("21.3" in i.value for i in at.info)
    at.button(key="lab_cmp_add").click().run()
    assert len(at.metric) == 3 and at.button(key="lab_cmp_add").disabled  # three at most
    at.button(key="lab_cmp_load_2").click().run()
    assert total(at) == "9,532"
    assert len(at.query_params.get_all("cmp") if hasattr(at.query_params, "get_all") else at.query_params["cmp"]) == 3
    at.button(key="lab_cmp_clear").click().run()
    assert not at.metric


@pytest.mark.tf
def test_keras_summary_on_demand_agrees_with_the_table():
    at = open_page(PAGE, "en", timeout=60)
    at.button(key="lab_preset_two_conv_pool").click().run()
    at.toggle(key="lab_keras").set_value(True).run()
    assert_clean(at)
    assert at.success and "9,532" in at.success[0].value and "agree" in at.success[0].value
    summary = at.code[0].value
    assert "max_pooling2d_1 (MaxPooling2D)" in summary and "Total params: 9,532" in summary


def test_custom_input_shape_changes_every_count_and_the_link():
    at = open_page(PAGE, "en")
    at.radio(key="lab_input_choice").set_value("custom").run()
    at.number_input(key="lab_h").set_value(64).run()
    at.number_input(key="lab_w").set_value(64).run()
    at.number_input(key="lab_c").set_value(3).run()
    assert_clean(at)
    # 3·(5·5·3+1) + 6·(5·5·3+1) + 84·(56·56·6+1) + 850
    assert total(at) == f"{228 + 456 + 84 * (56 * 56 * 6 + 1) + 850:,}"
    assert at.query_params["stack"].startswith("i64x64x3_")
    at.number_input(key="lab_c").set_value(0).run()  # no channel axis: Conv2D cannot run on (64, 64)
    assert_clean(at)
    assert at.error and "3-D" in at.error[0].value


def test_colour_input_choice():
    at = open_page(PAGE, "ko")
    at.radio(key="lab_input_choice").set_value("32x32x3").run()
    assert_clean(at)
    assert total(at) == f"{228 + 456 + 84 * (24 * 24 * 6 + 1) + 850:,}"


def test_the_stack_can_be_sent_to_training(monkeypatch):
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "sample")  # §6 reads its data set: the shipped sample (no download)
    at = open_page(PAGE, "en", timeout=60)
    (link,) = at.get("page_link")
    assert link.proto.page == "lenet-5"
    assert link.proto.query_string == "stack=" + at.query_params["stack"]
    lenet = open_page("lessons/6_lenet5.py", "en", timeout=120, query={"stack": at.query_params["stack"]})
    assert not lenet.exception
    assert any("203,068" in str(getattr(e, "value", "")) for e in [*lenet.metric, *lenet.markdown, *lenet.caption])


# ---- issue 9 #1, #2, #6: links within the widgets' limits, linear cost, a bounded Keras summary ---


@pytest.mark.parametrize("text", ABOVE_LIMITS, ids=lambda s: s[:24])
def test_links_above_the_limits_get_the_bad_link_notice(text):
    at = open_page(PAGE, "en", query={"stack": text})
    assert_clean(at)
    assert at.warning and "stack" in at.warning[0].value
    assert total(at) == "203,068"  # the default stack, usable at once (no preset click needed)
    commit(at, [*layers(at)[:2], NEW_LAYER["Conv2D"], *layers(at)[2:]])
    assert_clean(at)
    assert len(stack_of(at)) == 6


def test_the_editors_limits_are_the_stacks():
    at = open_page(PAGE, "en", query={"stack": "i28x28x1_c6-k5_m2_f_d84_r0.5"})
    limits = component_data(at, BENCH)["kit"]["limits"]  # sent once in a session
    assert limits == {arg: list(STACK_LIMITS[arg]) for arg in ("filters", "units", "kernel_size", "strides", "pool_size",
                                                              "rate")}
    at.radio(key="lab_input_choice").set_value("custom").run()
    assert_clean(at)
    maxima = {w.key.rsplit("_", 1)[-1]: w.max for w in at.number_input if w.key.startswith("lab_")}  # not the question's
    assert maxima == {"h": STACK_LIMITS["height"][1], "w": STACK_LIMITS["width"][1], "c": STACK_LIMITS["channels"][1]}


def test_adding_stops_at_the_layer_limit():
    at = open_page(PAGE, "en", query={"stack": "i28x28x1" + "_r0.5" * (MAX_LAYERS - 1)})
    commit(at, [*layers(at), NEW_LAYER["Conv2D"]])  # the editor's "add layer" is disabled from here on (kit max_layers)
    assert_clean(at)
    assert len(stack_of(at)) == MAX_LAYERS
    commit(at, [*layers(at), NEW_LAYER["Conv2D"]])
    assert len(stack_of(at)) == MAX_LAYERS


def summarize_calls(monkeypatch, layers: int) -> int:
    """How often one rerun of the lab summarises a stack of `layers` layers, however it is imported."""
    import sys

    from cnnlib import architecture

    original, calls = architecture.summarize, []

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    at = open_page(PAGE, "en", query={"stack": "i28x28x1_c3-k3" + "_c3-k3-same" * (layers - 3) + "_f_d10-softmax"})
    for module in list(sys.modules.values()):
        if getattr(module, "summarize", None) is original and module.__name__.startswith(("cnnlib", "ui", "__main__")):
            monkeypatch.setattr(module, "summarize", counting)
    monkeypatch.setattr(architecture, "summarize", counting)
    at.run()
    assert_clean(at)
    assert len(page_record(at, "layer-stack-lab").stack) == layers
    return len(calls)


def test_one_rerun_summarises_a_constant_number_of_times(monkeypatch):
    # 5: the notebook button checks the stack as its notebook will (notebooks.check, one summarize)
    assert summarize_calls(monkeypatch, 4) == summarize_calls(monkeypatch, MAX_LAYERS) <= 5


# the issue's two examples, and one a training run could build (≈440 MB) but one click may not (≤ 300 MB)
BIG = {"i256x256x1_f_d4096": "too_big_to_build", "i512x512x64_f_d4096": "too_big_to_build",
       "i512x512x1_f_d128": "too_big_to_build"}


@pytest.mark.tf
@pytest.mark.parametrize("text", BIG)
def test_keras_summary_of_a_huge_model_is_refused_before_building(text, monkeypatch):
    import cnnlib.models

    built = []
    monkeypatch.setattr(cnnlib.models, "keras_layer", lambda *a, **k: built.append(a))
    at = open_page(PAGE, "en", query={"stack": text}, timeout=60)
    at.toggle(key="lab_keras").set_value(True).run()
    assert_clean(at)
    assert built == []
    assert any("300 MB" in e.value and "weights" in e.value for e in at.error)
    assert total(at) == f"{count_params(*decode_stack(text)):,}"  # the table still shows what Keras would build


@pytest.mark.tf
def test_a_keras_failure_is_a_message_not_a_traceback(monkeypatch):
    import tensorflow as tf

    import cnnlib.models

    def exhausted(*args, **kwargs):
        raise tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor")

    monkeypatch.setattr(cnnlib.models, "keras_layer", exhausted)
    at = open_page(PAGE, "ko", timeout=60)
    at.toggle(key="lab_keras").set_value(True).run()
    assert_clean(at)
    assert any("ResourceExhaustedError" in e.value and "Keras" in e.value for e in at.error)
