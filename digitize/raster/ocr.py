"""OCR adapter: the raw recognition call kept apart from crop preparation and
text normalisation, so tests can replay recorded engine output.

Two PP-OCRv6 text recognition models, run directly with onnxruntime (no detection
pass: each label is cropped out by the caller). Every crop is read by the tiny
model (1.5M parameters, ~5x faster); the crops it is unsure of are read again by
the small model shipped inside the ``rapidocr`` wheel, and that reading is kept.
With the label checks of ``axes`` and ``colorbar`` this reads tick labels of 200
rendered figures more exactly than the small model alone (286 wrong against 325)
in 45% of its time. Nothing is
fetched at run time: the tiny model is bundled in ``data/ocr`` (see its README).
"""
from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, Sequence

import cv2
import numpy as np

#: Height in pixels the model reads lines at (PP-OCR rec input is 3 x 48 x W).
_MODEL_HEIGHT = 48
#: Crops are scaled so their text is about this tall before padding: the
#: recogniser reads 20-36 px glyphs best; tiny 60-dpi labels are upscaled ~3x.
_TARGET_TEXT_HEIGHT = 30
#: White border (pixels, after scaling) added above and below each crop, and
#: beside it: the side border only adds width (cost) once the text is clear of
#: the crop's edges.
_BORDER = 10
_SIDE_BORDER = 6
#: Narrowest line (width / height) the model is run at. PP-OCR pads to 320 x 48
#: by default; tick labels are short, and a narrower pad reads them as well for
#: a fraction of the compute (the model's cost is proportional to the width it
#: reads). Exact labels on 220 rendered figures, against 2.0: 1.0 (no pad) -1%,
#: 1.2 -0.4%, 1.5 and 1.6 within +-0.5% (noise), at 15% fewer columns.
_MIN_RATIO = 1.6
#: Images per forward pass: bounds memory; larger batches pad more.
_BATCH = 16
#: Widest image of a forward pass over its narrowest (see _batches).
_BATCH_SPREAD = 1.3
#: The bundled tiny recogniser and its character list (one per line).
_FAST_MODEL = Path(__file__).parent.parent / "data" / "ocr" / "PP-OCRv6_tiny_rec.onnx"
_FAST_CHARSET = _FAST_MODEL.with_name("PP-OCRv6_tiny_rec_dict.txt")
#: A fast reading whose mean character confidence is below this is read again by
#: the accurate model. On 3206 crops of 80 rendered figures the two models disagree
#: on 11%; below 0.97 lie a quarter of the crops and all but 28 of the disagreements
#: (and of those 28 the tiny model is right about as often as the small one).
_REREAD_BELOW = 0.97


@dataclass(frozen=True)
class Recognition:
    text: str
    score: float


class Recognizer(Protocol):
    def recognize(self, images: Sequence[np.ndarray]) -> list[Recognition]:
        """Read one line of text from each (H, W, 3) uint8 image."""


def _accurate_model_path() -> Path:
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the rapidocr package is not installed; install it with `pip install rapidocr`")
    root = Path(list(spec.submodule_search_locations)[0]) / "models"
    found = sorted(root.glob("*rec*.onnx"))
    if not found:
        raise RuntimeError(f"no text recognition model (*rec*.onnx) in {root}; reinstall rapidocr")
    return found[-1]


def _batches(ratios: Sequence[float]) -> list[list[int]]:
    """Images (by width/height ratio) grouped into forward passes: up to _BATCH
    images, the widest at most _BATCH_SPREAD times the narrowest. Each pass pads
    its images to its widest, and the model's cost is proportional to the width
    it reads: a 2:1 label in a pass with a 6:1 one costs three times its own."""
    order = sorted(range(len(ratios)), key=lambda i: ratios[i])
    groups: list[list[int]] = []
    for i in order:
        if groups and len(groups[-1]) < _BATCH and ratios[i] <= _BATCH_SPREAD * ratios[groups[-1][0]]:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _cache_dir() -> Path | None:
    """Where the optimised recogniser is kept: $DIGITIZE_CACHE_DIR, else the user's
    cache folder. ``DIGITIZE_CACHE_DIR=`` (empty) turns the cache off."""
    env = os.environ.get("DIGITIZE_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "digitize"


def _open_session(ort, model: Path, threads: int):
    """An onnxruntime session of the recogniser.

    Optimising the graph costs ~0.15 s at every start (a third of the OCR of a
    figure). The graph after onnxruntime's hardware-independent ("extended")
    rewrites is saved once in the cache folder, keyed by model and onnxruntime
    version; later starts load it and only run the layout rewrites for this CPU.
    Any cache problem (read-only home, a damaged file) falls back to the shipped
    model: the cache only ever saves time.
    """
    def options(level=None):
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        if threads:
            opts.intra_op_num_threads = threads
        if level is not None:
            opts.graph_optimization_level = level
        return opts

    providers = ["CPUExecutionProvider"]
    try:
        folder = _cache_dir()  # Path.home() raises when there is no home
    except RuntimeError:
        folder = None
    if folder is not None:
        st = model.stat()
        cached = folder / f"{model.stem}-{st.st_size}-{int(st.st_mtime)}-ort{ort.__version__}.onnx"
        try:
            if not cached.exists():
                folder.mkdir(parents=True, exist_ok=True)
                tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
                try:  # written aside and renamed: workers starting together never read half a file
                    opts = options(ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
                    opts.optimized_model_filepath = str(tmp)
                    ort.InferenceSession(str(model), sess_options=opts, providers=providers)
                    os.replace(tmp, cached)
                finally:
                    tmp.unlink(missing_ok=True)
            return ort.InferenceSession(str(cached), sess_options=options(), providers=providers)
        except Exception:  # noqa: BLE001 - the cache is an optimisation, never a failure
            pass
    return ort.InferenceSession(str(model), sess_options=options(), providers=providers)


#: Readings a recogniser keeps, by their crops' pixels (the oldest dropped first).
READ_CACHE = 4096


def _crop_key(image: np.ndarray) -> bytes:
    """A key of a crop's pixels: equal keys, equal images."""
    a = np.ascontiguousarray(image)
    return hashlib.blake2b(a.data, digest_size=16).digest() + repr((a.shape, a.dtype.str)).encode()


class OnnxRecognizer:
    """PP-OCR recognition with onnxruntime; the session is created on first use.

    model_path : the .onnx file; default: the small model of the rapidocr wheel
    charset_path : its characters, one per line, when the model does not carry
        them in its metadata (the tiny model)
    threads : onnxruntime threads (0: all cores)
    """

    def __init__(self, model_path: str | Path | None = None, *, charset_path: str | Path | None = None,
                 threads: int = 0):
        self._model_path = Path(model_path) if model_path else None
        self._charset_path = Path(charset_path) if charset_path else None
        self._threads = threads
        self._session = None
        self._chars: list[str] = []
        self._lock = threading.Lock()
        self._read: OrderedDict[bytes, Recognition] = OrderedDict()  # crop key -> reading (see READ_CACHE)

    def _load(self):
        with self._lock:
            if self._session is None:
                import onnxruntime as ort

                path = self._model_path or _accurate_model_path()
                sess = _open_session(ort, path, self._threads)
                if self._charset_path is not None:
                    chars = self._charset_path.read_text(encoding="utf-8").splitlines()
                else:
                    chars = sess.get_modelmeta().custom_metadata_map.get("character", "").splitlines()
                classes = sess.get_outputs()[0].shape[-1]
                if isinstance(classes, int) and classes != len(chars) + 2:
                    raise RuntimeError(f"{path.name} reads {classes} classes but its character list has "
                                       f"{len(chars)} (+ blank and space); reinstall digitize")
                self._chars = ["<blank>"] + chars + [" "]
                allowed = np.array([i == 0 or _allowed_char(c) for i, c in enumerate(self._chars)])
                self._allowed_idx = np.flatnonzero(allowed)
                self._input = sess.get_inputs()[0].name
                self._session = sess
        return self._session

    def recognize(self, images: Sequence[np.ndarray]) -> list[Recognition]:
        """One reading per image; an image read before (the same pixels) is not run
        again: small multiples print the same labels beside every panel."""
        if not images:
            return []
        keys = [_crop_key(im) for im in images]
        with self._lock:
            out: list[Recognition | None] = [self._read.get(k) for k in keys]
        first = {keys[i]: i for i in reversed(range(len(out))) if out[i] is None}  # one of each crop
        if first:
            todo = sorted(first.values())
            got = dict(zip((keys[i] for i in todo), self._run([images[i] for i in todo])))
            out = [r if r is not None else got[k] for r, k in zip(out, keys)]
            with self._lock:
                self._read.update(got)
                while len(self._read) > READ_CACHE:
                    self._read.popitem(last=False)
        return [r for r in out if r is not None]

    def _run(self, images: Sequence[np.ndarray]) -> list[Recognition]:
        """The model run on every image, in batches of like widths."""
        sess = self._load()
        out: list[Recognition | None] = [None] * len(images)
        ratios = [max(im.shape[1] / im.shape[0], _MIN_RATIO) for im in images]
        for idx in _batches(ratios):
            ratio = max(ratios[i] for i in idx)
            width = int(math.ceil(_MODEL_HEIGHT * ratio))
            batch = np.zeros((len(idx), 3, _MODEL_HEIGHT, width), np.float32)
            for b, i in enumerate(idx):
                img = images[i]
                w = min(width, int(math.ceil(_MODEL_HEIGHT * img.shape[1] / img.shape[0])))
                r = cv2.resize(img, (w, _MODEL_HEIGHT)).astype(np.float32)
                batch[b, :, :, :w] = (r.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
            probs = sess.run(None, {self._input: batch})[0]  # (B, T, classes)
            keep = self._allowed_idx[self._allowed_idx < probs.shape[2]]
            sub = probs[:, :, keep]  # only the characters figures print (~300 of ~18k)
            pick = sub.argmax(axis=2)
            best = keep[pick]
            conf = np.take_along_axis(sub, pick[..., None], axis=2)[..., 0]
            for b, i in enumerate(idx):
                out[i] = self._decode(best[b], conf[b])
        return [r for r in out if r is not None]

    def _decode(self, best: np.ndarray, conf: np.ndarray) -> Recognition:
        keep = np.ones(len(best), bool)
        keep[1:] = best[1:] != best[:-1]
        keep &= best != 0
        chars = [self._chars[k] if k < len(self._chars) else "" for k in best[keep]]
        score = float(conf[keep].mean()) if keep.any() else 0.0
        return Recognition("".join(chars).strip(), score)


class TwoPassRecognizer:
    """Every crop read by a fast model; the crops it is unsure of (mean character
    confidence below ``threshold``) read again by the accurate one, whose reading
    is kept. ``accurate`` is also what callers use to compare two readings of one
    label: confidences of different models do not compare."""

    def __init__(self, fast: Recognizer, accurate: Recognizer, threshold: float = _REREAD_BELOW):
        self.fast, self.accurate, self.threshold = fast, accurate, threshold

    def recognize(self, images: Sequence[np.ndarray],
                  judge: Callable[[list[Recognition]], Sequence[bool | None]] | None = None) -> list[Recognition]:
        """``judge`` (see ``read_in_context``) may overrule the confidence."""
        reads = self.fast.recognize(images)
        verdicts = judge(reads) if judge is not None else [None] * len(reads)
        doubt = [i for i, (r, v) in enumerate(zip(reads, verdicts))
                 if v is False or (v is None and r.score < self.threshold)]
        if doubt:
            for i, r in zip(doubt, self.accurate.recognize([images[i] for i in doubt])):
                reads[i] = r
        return reads


def read_in_context(rec: Recognizer, images: Sequence[np.ndarray],
                    judge: Callable[[list[Recognition]], Sequence[bool | None]]) -> list[Recognition]:
    """Read labels that vouch for each other (an axis of numbers, a colorbar's ticks).

    ``judge`` gives each fast reading a verdict from its context: True when the
    context confirms it (numbers stepping evenly from label to label: kept even if
    the fast model was unsure, since a misreading that still fits the sequence is
    far rarer than a doubt), False when the context suspects it (read again even if
    the fast model was sure), None to go by confidence. A one-model recogniser
    reads as usual.
    """
    if isinstance(rec, TwoPassRecognizer):
        return rec.recognize(images, judge)
    return rec.recognize(images)


def more_accurate(rec: Recognizer) -> Recognizer | None:
    """The model that re-reads doubtful crops, when ``rec`` has one."""
    return rec.accurate if isinstance(rec, TwoPassRecognizer) else None


#: Characters figures print: Latin letters, digits, Greek, punctuation, maths
#: signs and superscripts. The model also knows ~18k CJK glyphs; on noisy crops
#: those are the likeliest misreadings, so they are masked out before decoding.
_EXTRA_CHARS = set("αβγδεζηθικλμνξοπρστυφχψωΓΔΘΛΞΠΣΦΨΩ×−–—·°±≤≥⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺µ%‰€£$")


def _allowed_char(c: str) -> bool:
    return len(c) == 1 and ((" " <= c <= "~") or c in _EXTRA_CHARS or ("\u00c0" <= c <= "\u017f"))


_default: Recognizer | None = None
_default_lock = threading.Lock()


def _make_default(threads: int) -> Recognizer:
    accurate = OnnxRecognizer(threads=threads)
    if not (_FAST_MODEL.exists() and _FAST_CHARSET.exists()):
        return accurate  # a source tree without the bundled model: slower, as exact
    return TwoPassRecognizer(OnnxRecognizer(_FAST_MODEL, charset_path=_FAST_CHARSET, threads=threads), accurate)


def configure_default_recognizer(*, threads: int = 0) -> None:
    """Set the onnxruntime threads of the process-wide recogniser (before first use;
    batch workers sharing the cores use 1)."""
    global _default
    with _default_lock:
        if _default is None or not _started(_default):
            _default = _make_default(threads)


def _started(rec: Recognizer) -> bool:
    parts = (rec.fast, rec.accurate) if isinstance(rec, TwoPassRecognizer) else (rec,)
    return any(getattr(p, "_session", None) is not None for p in parts)


def default_recognizer() -> Recognizer:
    """The process-wide recogniser (models loaded once per process, on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = _make_default(0)
        return _default


def prepare_crop(rgb: np.ndarray, *, text_height: float | None = None, rotate: int = 0) -> np.ndarray:
    """Make a label crop readable: grey, dark text on white, upscaled, padded.

    rgb : (h, w, 3) uint8 crop around one label (tick marks excluded)
    rotate : degrees counter-clockwise to turn the crop so its text reads left to right
    Returns (H, W, 3) uint8.
    """
    g = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    # text darker than its surroundings: the border pixels tell which is background
    paper = _quantile(np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]]), 0.5)
    if paper < 128:
        g = 255 - g
    lo, hi = float(g.min()), paper if paper >= 128 else 255.0
    hi = max(hi, _quantile(g, 0.9))
    if hi - lo > 10:
        g = np.clip((g.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)
    if rotate and rotate % 90 != 0:
        # diagonal text: enlarge before turning it (turning small glyphs blurs them),
        # then cut the turned crop down to its ink
        pre = float(np.clip(_TARGET_TEXT_HEIGHT / max(text_height or 8.0, 1), 1.0, 6.0))
        if pre > 1.01:
            g = cv2.resize(g, None, fx=pre, fy=pre, interpolation=cv2.INTER_CUBIC)
        g = _rotate_any(g, rotate)
        ys, xs = np.nonzero(g < 160)
        if len(xs):
            g = g[max(0, ys.min() - 2):ys.max() + 3, max(0, xs.min() - 2):xs.max() + 3]
        text_height = None
        th = _TARGET_TEXT_HEIGHT if pre > 1.01 else g.shape[0]
    else:
        if rotate:
            g = np.rot90(g, k=(rotate // 90) % 4).copy()
        th = text_height or g.shape[0]
    scale = float(np.clip(_TARGET_TEXT_HEIGHT / max(th, 1), 1.0, 6.0))
    if scale > 1.01:
        g = cv2.resize(g, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    g = cv2.copyMakeBorder(g, _BORDER, _BORDER, _SIDE_BORDER, _SIDE_BORDER, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(g, cv2.COLOR_GRAY2RGB)


def _quantile(values: np.ndarray, q: float) -> float:
    """np.quantile(values, q) (linear interpolation) of a small array, without
    numpy's generic machinery (~50 us a call, 3 calls per crop)."""
    v = np.sort(values, axis=None).astype(np.float64)
    pos = q * (len(v) - 1)
    i = int(pos)
    t = pos - i
    a, b = v[i], v[min(i + 1, len(v) - 1)]
    return float(b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t)


def _rotate_any(g: np.ndarray, degrees: float) -> np.ndarray:
    h, w = g.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 2, int(h * cos + w * sin) + 2
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(g, m, (nw, nh), flags=cv2.INTER_CUBIC, borderValue=255)
