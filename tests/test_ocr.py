"""The OCR adapter: label crops read by the bundled recogniser, and its start-up cache."""
import cv2
import numpy as np
import pytest

from digitize.ocr import OnnxRecognizer, prepare_crop

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
