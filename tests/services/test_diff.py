"""JSON and image diffs shown to an approver."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from labelstation.errors import ValidationError
from labelstation.services.diff import Change, ChangeKind, image_diff, json_diff

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


def test_added_removed_changed_with_values() -> None:
    old = {"a": 1, "gone": "x", "list": [1, 2, 3], "nested": {"k": "v"}}
    new = {"a": 2, "list": [1, 5], "nested": {"k": "v", "n": None}, "new": [True]}
    assert json_diff(old, new) == (
        Change("/a", ChangeKind.CHANGED, 1, 2),
        Change("/gone", ChangeKind.REMOVED, old="x"),
        Change("/list/1", ChangeKind.CHANGED, 2, 5),
        Change("/list/2", ChangeKind.REMOVED, old=3),
        Change("/nested/n", ChangeKind.ADDED, new=None),
        Change("/new", ChangeKind.ADDED, new=[True]),
    )


def test_list_growth_and_type_changes() -> None:
    assert json_diff([1], [1, {"x": 1}]) == (Change("/1", ChangeKind.ADDED, new={"x": 1}),)
    assert json_diff({"v": 1}, {"v": 1.0}) == (Change("/v", ChangeKind.CHANGED, 1, 1.0),)
    assert json_diff({"v": 1}, {"v": True}) == (Change("/v", ChangeKind.CHANGED, 1, True),)
    assert json_diff({"v": 0.0}, {"v": -0.0}) == (Change("/v", ChangeKind.CHANGED, 0.0, -0.0),)
    assert json_diff({"v": [1]}, {"v": {"0": 1}}) == (
        Change("/v", ChangeKind.CHANGED, [1], {"0": 1}),
    )


def test_pointer_escapes_slash_and_tilde() -> None:
    (change,) = json_diff({"a/b~c": 1}, {"a/b~c": 2})
    assert change.path == "/a~1b~0c"
    assert change.as_json() == {"path": "/a~1b~0c", "kind": "changed", "old": 1, "new": 2}


def test_cset82_and_unicode_values_are_reported_verbatim() -> None:
    cset82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    (change,) = json_diff({"lot": cset82}, {"lot": "王🙂"})
    assert (change.old, change.new) == (cset82, "王🙂")


@given(JSON, JSON)
def test_no_changes_iff_equal_as_json(old: object, new: object) -> None:
    import json

    same = json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True)
    assert (json_diff(old, new) == ()) is same
    assert json_diff(old, old) == ()


def _label(size: tuple[int, int], box: tuple[int, int, int, int] | None) -> Image.Image:
    img = Image.new("1", size, 1)
    if box is not None:
        ImageDraw.Draw(img).rectangle(box, fill=0)
    return img


def test_image_diff_counts_and_paints_changed_pixels() -> None:
    old = _label((40, 30), (0, 0, 9, 9))  # 100 black pixels
    new = _label((40, 30), (5, 0, 14, 9))  # shifted 5 px right: 50 + 50 pixels differ
    result = image_diff(old, new)
    assert (result.changed_pixels, result.total_pixels) == (100, 1200)
    assert result.changed_fraction == pytest.approx(100 / 1200)
    painted = Image.open(io.BytesIO(result.png)).convert("RGB")
    assert painted.size == (40, 30)
    assert painted.getpixel((0, 0)) == (220, 0, 0)  # only in old
    assert painted.getpixel((12, 5)) == (220, 0, 0)  # only in new
    assert painted.getpixel((7, 5)) != (220, 0, 0)  # black in both: unchanged
    assert painted.getpixel((30, 20)) == (255, 255, 255)


def test_image_diff_of_identical_images_is_zero() -> None:
    img = _label((20, 20), (2, 2, 5, 5))
    assert image_diff(img, img.copy()).changed_pixels == 0


def test_image_diff_detects_faint_colour_changes() -> None:
    old = Image.new("RGB", (2, 1), (255, 255, 255))
    new = Image.new("RGB", (2, 1), (255, 255, 255))
    new.putpixel((1, 0), (254, 255, 255))  # invisible in greyscale rounding
    assert image_diff(old, new).changed_pixels == 1


def test_image_diff_pads_different_sizes() -> None:
    result = image_diff(_label((10, 10), None), _label((12, 10), (10, 0, 11, 9)))
    assert (result.width, result.height, result.changed_pixels) == (12, 10, 20)


def test_empty_image_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        image_diff(Image.new("1", (0, 5)), _label((3, 3), None))
    assert str(exc.value) == "old image size 0x5: expected a non-empty image"
    with pytest.raises(ValidationError) as exc:
        image_diff(_label((3, 3), None), Image.new("1", (4, 0)))
    assert str(exc.value) == "new image size 4x0: expected a non-empty image"
