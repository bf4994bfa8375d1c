"""cnnlib.images: any picture Pillow reads → 28×28 grey uint8, aspect kept, padded with its own paper."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFile

from cnnlib import archives, images
from cnnlib.image_folders import load_image_zip
from cnnlib.images import load_image, match_background
from tests.archivehelp import (
    RNG,
    codes,
    encode,
    error_of,
    letter,
    make_zip,
    pixel_bomb,
    png,
    png_header_only,
    reasons,
    two_classes,
)


@pytest.fixture
def decoded(monkeypatch):
    """The (width, height) of every picture really decoded (Pillow's ImageFile.load), in order."""
    sizes = []
    real_load = ImageFile.ImageFile.load

    def load(self):
        if self.tile:  # not yet decoded: this call decodes it
            sizes.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


@pytest.mark.parametrize("kind", ["rgba", "16bit", "float"])
def test_pixel_bombs_that_would_fill_memory_are_refused_from_the_header(kind, decoded):
    """Issue 9 #4: one 5000×5000 RGBA / 16-bit / float TIFF of ~100 KB cost +620 MB; now it is never decoded."""
    bomb = pixel_bomb(kind)
    assert len(bomb) < 200_000
    result = load_image_zip(make_zip([*two_classes(), ("A/bomb.tif" if kind == "float" else "A/bomb.png", bomb)]))
    assert len(result.images) == 6
    assert [code for code, _ in codes(result).values()] == ["too_much_memory"]
    assert next(iter(codes(result).values()))[1] == {"w": 5000, "h": 5000, "limit": 64}
    assert reasons(result) == {("A/bomb.tif" if kind == "float" else "A/bomb.png"): "too_large"}
    assert (5000, 5000) not in decoded  # refused from the header alone
    err = error_of(bomb, load_image)
    assert err.code == "image_too_much_memory" and err.params == {"w": 5000, "h": 5000, "limit": 64}


def test_many_small_files_of_huge_pictures_use_up_the_archives_pixel_budget(decoded):
    """Issue 9 #4: 200 PNGs of 5000×5000 1-bit (3 KB each) took 14.7 s; the archive's budget stops them."""
    bomb = pixel_bomb("1bit")
    assert len(bomb) < 4_000
    result = load_image_zip(make_zip([*two_classes(), *[(f"A/bomb{i:03d}.png", bomb) for i in range(200)]]))
    big = [size for size in decoded if size == (5000, 5000)]
    assert len(big) == (images.MAX_ARCHIVE_PIXELS - 6 * 28 * 28) // 25_000_000  # 9, then the budget is spent
    refused = [params for code, params in codes(result).values() if code == "pixel_budget"]
    assert len(refused) == 200 - len(big) and refused[0] == {"limit": 250}
    assert sorted(result.class_counts().values()) == [3, 3 + len(big)]  # the real pictures all made it


def test_big_but_legitimate_pictures_decode_small_and_keep_their_values(decoded):
    photo = np.full((3000, 4000, 3), 200, np.uint8)
    photo[1000:2000, 500:3500] = 20  # a dark bar across a light photo
    sixteen = Image.fromarray(np.full((1000, 1000), 51_400, np.uint16))  # 16-bit grey 200 (×257)
    entries = [("A/photo.jpg", encode(photo, "JPEG")), ("A/sixteen.png", encode(sixteen)), ("B/x.png", png())]
    result = load_image_zip(make_zip(entries))
    assert result.skipped == ()
    assert decoded[0] == (500, 375)  # the 12 MP JPEG decoded at 1/8 scale (draft), not 4000×3000
    pictures = {name: result.images[i, :, :, 0].astype(int) for i, name in enumerate(result.files)}
    assert pictures["A/photo.jpg"][14, 14] < 40 and pictures["A/photo.jpg"][5, 14] > 180
    assert (pictures["A/sixteen.png"] == 200).all()  # reduced as 32-bit, still scaled as 16-bit


def test_huge_dimensions_are_refused_before_decoding():
    entries = [*two_classes(), ("A/big.png", png_header_only(10_000, 5_000)), ("A/vast.png", png_header_only(60_000, 60_000))]
    result = load_image_zip(make_zip(entries))
    assert reasons(result) == {"A/big.png": "too_large", "A/vast.png": "too_large"}
    assert codes(result) == {
        "A/big.png": ("too_many_pixels", {"w": 10_000, "h": 5_000, "limit": 25}),  # "10000×5000 pixels (at most 25 …)"
        "A/vast.png": ("too_many_pixels_header", {"limit": 25}),
    }


def test_non_image_corrupt_and_truncated_files_are_skipped():
    good = png()
    entries = [
        *two_classes(),
        ("A/notes.txt", b"hello, these are my notes"),
        ("A/garbage.png", bytes(RNG.integers(0, 256, 500, dtype=np.uint8))),
        ("A/truncated.png", encode(RNG.integers(0, 256, (28, 28), dtype=np.uint8))[:200]),
        ("B/cut.jpg", encode(RNG.integers(0, 256, (64, 64), dtype=np.uint8), "JPEG")[:300]),
        ("B/ok.png", good),
    ]
    result = load_image_zip(make_zip(entries))
    assert reasons(result) == {
        "A/notes.txt": "not_image",
        "A/garbage.png": "unreadable",
        "A/truncated.png": "unreadable",
        "B/cut.jpg": "unreadable",
    }
    assert codes(result)["A/notes.txt"] == ("not_image", {}) and codes(result)["A/garbage.png"] == ("unreadable", {})
    assert "B/ok.png" in result.files


def test_16_bit_cmyk_palette_and_1_bit_images_become_grey():
    ramp16 = (np.arange(28 * 28).reshape(28, 28) * 83).astype(np.uint16)  # up to 65,071
    cmyk = Image.new("CMYK", (28, 28), (0, 0, 0, 0))  # white paper
    cmyk.paste((0, 0, 0, 255), (10, 4, 18, 24))  # black ink
    palette = Image.fromarray(letter(200)).convert("P")
    bilevel = Image.fromarray(letter(255)).convert("1")
    entries = [
        ("A/16bit.png", encode(Image.fromarray(ramp16))),
        ("A/cmyk.jpg", encode(cmyk, "JPEG", quality=95)),
        ("A/cmyk.tif", encode(cmyk, "TIFF")),
        ("B/palette.png", encode(palette)),
        ("B/bilevel.png", encode(bilevel)),
        ("B/rgb.webp", encode(Image.fromarray(letter(255)).convert("RGB"), "WEBP", lossless=True)),
    ]
    result = load_image_zip(make_zip(entries))
    assert result.skipped == ()
    pictures = {name: result.images[i, :, :, 0].astype(int) for i, name in enumerate(result.files)}
    # 16-bit is scaled by 257, not clipped at 255
    np.testing.assert_allclose(pictures["A/16bit.png"], np.rint(ramp16 / 257), atol=1)
    assert pictures["A/16bit.png"].min() == 0 and pictures["A/16bit.png"].max() == 253
    for name in ("A/cmyk.jpg", "A/cmyk.tif"):  # black ink on white paper, both ends visible
        assert pictures[name][14, 14] < 30 and pictures[name][2, 2] > 225, name
    np.testing.assert_array_equal(pictures["B/palette.png"], letter(200))
    np.testing.assert_array_equal(pictures["B/bilevel.png"], letter(255))
    np.testing.assert_array_equal(pictures["B/rgb.webp"], letter(255))


def test_transparent_letters_stay_visible():
    mask = letter(255)
    dark_ink = np.zeros((28, 28, 4), np.uint8)
    dark_ink[..., 3] = mask  # black letter on a clear background
    light_ink = np.full((28, 28, 4), 255, np.uint8)
    light_ink[..., 3] = mask  # white letter on a clear background
    la = Image.fromarray(np.stack([np.zeros_like(mask), mask], axis=-1), "LA")
    palette = Image.fromarray(dark_ink, "RGBA").convert("P")  # a palette with a transparent entry
    entries = [
        ("A/dark.png", encode(Image.fromarray(dark_ink, "RGBA"))),
        ("A/light.png", encode(Image.fromarray(light_ink, "RGBA"))),
        ("B/la.png", encode(la)),
        ("B/palette.gif", encode(palette, "GIF", transparency=palette.info.get("transparency", 0))),
    ]
    result = load_image_zip(make_zip(entries))
    assert result.skipped == ()
    pictures = {name: result.images[i, :, :, 0] for i, name in enumerate(result.files)}
    np.testing.assert_array_equal(pictures["A/dark.png"], 255 - mask)  # black ink → white paper
    np.testing.assert_array_equal(pictures["A/light.png"], mask)  # white ink → black paper
    np.testing.assert_array_equal(pictures["B/la.png"], 255 - mask)
    gif = pictures["B/palette.gif"].astype(int)
    assert gif[14, 14] < 30 and gif[0, 0] > 225  # the letter is dark on light, not lost in black


def test_any_size_keeps_its_aspect_ratio_and_is_padded_with_its_background():
    wide = np.zeros((40, 80), np.uint8)
    wide[5:35, 5:75] = 255  # a white bar with a black frame, twice as wide as high
    photo = RNG.integers(0, 256, (1200, 1800, 3), dtype=np.uint8)
    paper = np.full((10, 30), 255, np.uint8)
    paper[3:7, 10:20] = 0  # small, black on white: padding must be white, not black
    entries = [
        ("A/wide.png", encode(wide)),
        ("A/photo.jpg", encode(photo, "JPEG")),
        ("B/paper.bmp", encode(paper, "BMP")),
        ("B/tiny.png", encode(np.full((3, 3), 200, np.uint8))),
    ]
    result = load_image_zip(make_zip(entries))
    assert result.skipped == ()
    pictures = {name: result.images[i, :, :, 0] for i, name in enumerate(result.files)}
    w = pictures["A/wide.png"]
    assert (w[:7] == 0).all() and (w[21:] == 0).all()  # 28×14 picture, 7 rows of padding above and below
    assert (w[11:17, 4:24] > 200).all()
    assert pictures["A/photo.jpg"].shape == (28, 28)
    p = pictures["B/paper.bmp"]
    assert (p[:9] == 255).all() and (p[19:] == 255).all() and p[14, 14] < 50
    assert (pictures["B/tiny.png"] == 200).all()  # grown to 28×28, no padding needed


def test_a_large_picture_is_reduced_first_and_still_fits_the_frame():
    big = np.full((600, 1200), 255, np.uint8)  # white paper, a black bar across the middle
    big[250:350, 100:1100] = 0
    fitted = load_image(encode(big))[..., 0]
    assert fitted.shape == (28, 28)
    assert (fitted[:7] == 255).all() and (fitted[21:] == 255).all()  # 28×14 picture on white padding
    assert (fitted[13:15, 4:24] < 40).all()  # the bar survives the reduction


def test_load_image_single_picture():
    picture = load_image(encode(np.full((50, 100), 255, np.uint8)))
    assert picture.shape == (28, 28, 1) and picture.dtype == np.uint8
    assert error_of(b"text", load_image).code == "image_not_image"
    err = error_of(png_header_only(9000, 9000), load_image)
    assert err.code == "image_too_large" and err.params == {"limit": 25}  # "at most 25 megapixels"
    assert error_of(png()[:60], load_image).code == "image_unreadable"


def test_load_image_from_a_path_and_over_the_file_limit(tmp_path, monkeypatch):
    path = tmp_path / "one.png"
    path.write_bytes(png(180))
    np.testing.assert_array_equal(load_image(path)[..., 0], letter(180))
    monkeypatch.setattr(archives, "MAX_FILE_BYTES", 20)  # a 28×28 PNG is ~80 bytes
    err = error_of(path, load_image)
    assert err.code == "too_big" and err.params["limit"] == 0


def test_match_background_inverts_a_picture_drawn_the_other_way_round():
    white_on_black = np.stack([letter()[..., None]] * 3)
    black_on_white = 255 - letter()[..., None]
    fixed, inverted = match_background(black_on_white, white_on_black)
    assert inverted and np.array_equal(fixed[..., 0], letter())
    same, inverted = match_background(letter()[..., None], white_on_black)
    assert not inverted and np.array_equal(same[..., 0], letter())


@pytest.mark.parametrize("shape", [(28, 28), (3, 28, 28)])
def test_paper_is_the_median_border_pixel(shape):
    a = np.zeros(shape, np.uint8)
    a[..., 0, :] = 255  # one bright edge of four: the paper is still black
    assert images.paper(a) == 0
    assert images.paper(255 - a) == 255
