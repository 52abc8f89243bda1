"""The OCR adapter: label crops read by the bundled recognisers, the two-pass reading,
and the start-up cache."""
import hashlib
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from digitize.raster import ocr
from digitize.raster.ocr import OnnxRecognizer, Recognition, TwoPassRecognizer, prepare_crop, read_in_context

LABELS = ["0.25", "300k", "Layer", "7", "-1.5", "10", "Steps"]


def _label_crop(text: str, scale: float = 0.5) -> np.ndarray:
    """A tick label as a figure draws it: small dark text on white."""
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    img = np.full((h + base + 6, w + 6, 3), 255, np.uint8)
    cv2.putText(img, text, (3, h + 3), cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), 1, cv2.LINE_AA)
    return img


@pytest.fixture(scope="module")
def crops():
    return [prepare_crop(_label_crop(t)) for t in LABELS]


def test_labels_read_with_a_fresh_cache_and_again_from_it(tmp_path, monkeypatch, crops):
    monkeypatch.setenv("DIGITIZE_CACHE_DIR", str(tmp_path))
    first = OnnxRecognizer(threads=1).recognize(crops)
    assert [r.text for r in first] == LABELS
    cached = list(tmp_path.glob("*.onnx"))
    assert len(cached) == 1 and cached[0].stat().st_size > 1_000_000
    assert not list(tmp_path.glob("*.tmp"))
    stamp = cached[0].stat().st_mtime_ns
    again = OnnxRecognizer(threads=1).recognize(crops)  # loads the cached graph
    assert [r.text for r in again] == LABELS
    assert [r.score for r in again] == pytest.approx([r.score for r in first], abs=1e-4)
    assert cached[0].stat().st_mtime_ns == stamp


def test_unusable_cache_falls_back_to_the_shipped_model(tmp_path, monkeypatch, crops):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("DIGITIZE_CACHE_DIR", str(blocker))
    assert [r.text for r in OnnxRecognizer(threads=1).recognize(crops)] == LABELS
    monkeypatch.setenv("DIGITIZE_CACHE_DIR", "")  # cache turned off
    assert [r.text for r in OnnxRecognizer(threads=1).recognize(crops)] == LABELS
    monkeypatch.delenv("DIGITIZE_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")
    monkeypatch.setattr("pathlib.Path.home", staticmethod(no_home))  # a service account without a home
    assert [r.text for r in OnnxRecognizer(threads=1).recognize(crops)] == LABELS
    monkeypatch.undo()
    damaged = tmp_path / "cache"
    damaged.mkdir()
    monkeypatch.setenv("DIGITIZE_CACHE_DIR", str(damaged))
    OnnxRecognizer(threads=1).recognize(crops[:1])
    for f in damaged.glob("*.onnx"):
        f.write_bytes(b"garbage")
    assert [r.text for r in OnnxRecognizer(threads=1).recognize(crops)] == LABELS


def test_fast_model_reads_the_labels_and_two_passes_keep_them(crops):
    fast = OnnxRecognizer(ocr._FAST_MODEL, charset_path=ocr._FAST_CHARSET, threads=1)
    first = fast.recognize(crops)
    assert [r.text for r in first] == LABELS
    both = TwoPassRecognizer(fast, OnnxRecognizer(threads=1)).recognize(crops)
    assert [r.text for r in both] == LABELS
    # what the fast model was unsure of carries the accurate model's confidence
    assert all(b.score >= ocr._REREAD_BELOW or b.score != f.score for f, b in zip(first, both))


class _Scripted:
    """A recogniser answering from a table keyed by the image's first pixel."""

    def __init__(self, table):
        self.table, self.seen = table, []

    def recognize(self, images):
        self.seen.append([int(im[0, 0, 0]) for im in images])
        return [self.table[int(im[0, 0, 0])] for im in images]


def test_two_pass_rereads_only_the_doubtful_crops_and_keeps_the_second_reading():
    images = [np.full((4, 4, 3), k, np.uint8) for k in range(4)]
    fast = _Scripted({0: Recognition("0.5", 0.99), 1: Recognition("N", 0.40),
                      2: Recognition("10ok", 0.96), 3: Recognition("beta", 0.97)})
    accurate = _Scripted({1: Recognition("22", 0.30), 2: Recognition("100k", 0.99)})
    out = TwoPassRecognizer(fast, accurate, threshold=0.97).recognize(images)
    assert [r.text for r in out] == ["0.5", "22", "100k", "beta"]
    assert accurate.seen == [[1, 2]]  # one pass over the doubtful ones only
    sure = _Scripted({0: Recognition("1", 0.99)})
    untouched = _Scripted({})
    assert TwoPassRecognizer(sure, untouched).recognize(images[:1])[0].text == "1"
    assert untouched.seen == []


def test_context_keeps_confirmed_readings_and_rereads_suspect_ones():
    images = [np.full((4, 4, 3), k, np.uint8) for k in range(4)]
    fast = _Scripted({0: Recognition("0.2", 0.90), 1: Recognition("0.4", 0.99), 2: Recognition("0.6", 0.80),
                      3: Recognition("102", 0.99)})
    accurate = _Scripted({0: Recognition("0.2", 0.99), 2: Recognition("0.6", 0.99), 3: Recognition("10²", 0.98)})
    two = TwoPassRecognizer(fast, accurate)
    # confirmed though unsure: kept; no verdict: by confidence; suspect though sure: read again
    out = read_in_context(two, images, lambda reads: [True, None, None, False])
    assert [r.text for r in out] == ["0.2", "0.4", "0.6", "10²"] and accurate.seen == [[2, 3]]
    assert [r.score for r in out] == [0.90, 0.99, 0.99, 0.98]
    # a plain recogniser reads as usual
    assert [r.text for r in read_in_context(fast, images[:3], lambda reads: [True] * 3)] == ["0.2", "0.4", "0.6"]


def test_default_recogniser_is_two_pass_over_the_bundled_model(monkeypatch):
    monkeypatch.setattr(ocr, "_default", None)
    rec = ocr.default_recognizer()
    assert isinstance(rec, TwoPassRecognizer)
    assert rec.fast._model_path == ocr._FAST_MODEL and rec.accurate._model_path is None
    monkeypatch.setattr(ocr, "_default", None)
    monkeypatch.setattr(ocr, "_FAST_MODEL", Path("/nonexistent/model.onnx"))
    assert isinstance(ocr.default_recognizer(), OnnxRecognizer)  # without it: the accurate model alone
    monkeypatch.setattr(ocr, "_default", None)


def test_bundled_model_is_the_file_its_readme_names():
    readme = (ocr._FAST_MODEL.parent / "README.md").read_text()
    for f in (ocr._FAST_MODEL, ocr._FAST_CHARSET):
        recorded = re.search(rf"{re.escape(f.name)}`?\s*\|\s*`?([0-9a-f]{{64}})", readme)
        assert recorded, f"{f.name} has no sha256 in data/ocr/README.md"
        assert hashlib.sha256(f.read_bytes()).hexdigest() == recorded.group(1)
    chars = ocr._FAST_CHARSET.read_text(encoding="utf-8").splitlines()
    assert len(chars) == 6904 and "0" in chars and "k" in chars and "\u2212" in chars


def test_quantile_equals_numpys():
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 10, 101, 800):
        v = rng.integers(0, 256, n).astype(np.uint8)
        for q in (0.5, 0.9):
            assert ocr._quantile(v, q) == float(np.quantile(v, q))


def test_a_crop_read_before_is_not_run_through_the_model_again(monkeypatch):
    """Small multiples print the same labels beside every panel: a crop of the same
    pixels is read once, and its reading given again."""
    rec = OnnxRecognizer(threads=1)
    runs: list[list[int]] = []

    def run(images):
        runs.append([int(im[0, 0, 0]) for im in images])
        return [Recognition(str(int(im[0, 0, 0])), 0.9) for im in images]

    monkeypatch.setattr(rec, "_run", run)
    a, b, c = (np.full((8, 20, 3), v, np.uint8) for v in (10, 20, 30))
    assert [r.text for r in rec.recognize([a, b, a.copy()])] == ["10", "20", "10"]
    assert [r.text for r in rec.recognize([b, c])] == ["20", "30"]
    assert runs == [[10, 20], [30]], "each distinct crop run once"
    taller = np.full((20, 8, 3), 10, np.uint8)  # the same bytes in another shape is another crop
    assert rec.recognize([taller])[0].text == "10" and runs[-1] == [10]
