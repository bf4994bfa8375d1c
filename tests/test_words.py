"""words: the string catalogue — every key in Korean and English, every key used in code exists."""

import re
from pathlib import Path

from tests.wordhelp import placeholders
from words import load_catalogue

ROOT = Path(__file__).resolve().parent.parent


def test_every_key_has_both_languages_and_same_placeholders():
    catalogue = load_catalogue()
    assert len(catalogue) > 50
    for key, texts in catalogue.items():
        assert set(texts) == {"ko", "en"}, key
        assert texts["ko"].strip() and texts["en"].strip(), key
        assert placeholders(texts["ko"]) == placeholders(texts["en"]), key
        assert key.split(".")[0] in {p.stem for p in (ROOT / "words").glob("*.py")}, key


def test_korean_strings_are_korean():
    catalogue = load_catalogue()
    hangul = re.compile(r"[\uac00-\ud7a3]")
    not_korean = [k for k, v in catalogue.items() if not hangul.search(v["ko"]) and v["ko"] != v["en"]]
    assert not not_korean, not_korean


def test_every_literal_key_in_code_exists():
    catalogue = load_catalogue()
    used = set()
    for path in [*ROOT.glob("lessons/*.py"), *ROOT.glob("ui/*.py"), ROOT / "streamlit_app.py"]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9]+\.[a-z_0-9.]+)["']""", path.read_text(encoding="utf-8")))
    used = {key for key in used if not key.endswith(".")}  # t("prefix." + name): a built key
    missing = sorted(used - set(catalogue))
    assert not missing, missing


def test_the_uploaders_css_says_the_words_and_nothing_else():
    from ui.i18n import uploader_css

    css = uploader_css("파일 올리기", "파일 하나에 50MB까지")
    assert 'content: "파일 올리기"' in css and 'content: "파일 하나에 50MB까지"' in css
    hostile = uploader_css('a" } body { display: none } p::after { content: "', "</style><script>x</script>")
    assert "</style>" not in hostile and "<script>" not in hostile
    assert 'a\\" } body' in hostile  # the quote is escaped: still one CSS string


def test_the_upload_limit_is_the_servers_option():
    from streamlit import config

    from ui.i18n import upload_limit_mb

    assert upload_limit_mb() == config.get_option("server.maxUploadSize")


def test_no_sentence_guesses_a_particle():
    """A value's Korean particle depends on its last sound (코드 7DXNF을(를) …): write each sentence so
    that no particle follows a value, and none is spelled both ways."""
    both = re.compile(r"[을를은는이가와과]\([을를은는이가와과]\)|\(으\)로")
    after_value = re.compile(r"\}(을|를|은|는|이|가|와|과|으로|로)(\s|$)")
    wrong = [key for key, texts in load_catalogue().items() if both.search(texts["ko"]) or after_value.search(texts["ko"])]
    assert not wrong, wrong
