"""Tick text -> numbers.

Handles unicode minus and dashes, thousands separators, scientific notation
(``1e-4``, ``2.5×10⁻³``, ``10^{3}``, ``10³``), ``k``/``M``/``G`` suffixes and
percentages. OCR confusions that are unambiguous in a numeric label (``O`` for 0,
``l`` for 1) are mended. Anything else is not a number: ``None``.
"""
from __future__ import annotations

import math
import re

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_DASHES = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-",
                         "\u2011": "-", "\ufe63": "-", "\uff0d": "-", "~": "-"})
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                             "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "g": "9"})
_SUFFIX = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "B": 1e9, "T": 1e12, "m": 1e-3, "μ": 1e-6, "u": 1e-6}

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_RE_PLAIN = re.compile(rf"^({_NUM})(?:[eE]([-+]?\d+))?$")
_RE_TIMES_POW = re.compile(rf"^(?:({_NUM})\s*[x×X*·]\s*)?10\^\{{?([-+]?\d+)\}}?$")


def normalise_text(text: str) -> str:
    """Canonical form of a label: unicode minus to '-', superscripts to '^', no spaces."""
    t = text.strip().translate(_DASHES).replace("°", "⁰")
    t = t.replace("$", "").replace("\\times", "×").replace("\\mathdefault", "").replace("{", "").replace("}", "")
    sup = re.search(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+$", t)
    if sup:
        t = t[:sup.start()] + "^" + sup.group().translate(_SUPERSCRIPT)
    return re.sub(r"\s+", "", t)


def parse_number(text: str) -> float | None:
    """A tick label's value, or None when it is not a number.

    >>> parse_number("−0.5"), parse_number("2.5×10⁻³"), parse_number("1,000"), parse_number("30k")
    (-0.5, 0.0025, 1000.0, 30000.0)
    """
    t = normalise_text(text)
    if not t:
        return None
    factor = 1.0
    if t.endswith("%"):
        t = t[:-1]  # the number as printed: "50%" is 50 on a 0%..100% bar
    m = _RE_TIMES_POW.match(t)
    if m:
        mant = float(m.group(1)) if m.group(1) else 1.0
        return _finite(mant * 10.0 ** int(m.group(2)) * factor)
    if len(t) > 1 and t[-1] in _SUFFIX and re.match(rf"^{_NUM}$", t[:-1].replace(",", "")):
        return _finite(float(t[:-1].replace(",", "")) * _SUFFIX[t[-1]] * factor)
    t2 = _strip_thousands(t)
    m = _RE_PLAIN.match(t2)
    if m is None:
        fixed = t2.translate(_OCR_DIGITS)
        if fixed != t2 and re.search(r"\d", t2):
            m = _RE_PLAIN.match(fixed)
    if m is None:
        return None
    v = float(m.group(1))
    if m.group(2):
        v *= 10.0 ** int(m.group(2))
    return _finite(v * factor)


def _strip_thousands(t: str) -> str:
    if re.match(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$", t):
        return t.replace(",", "")
    if re.match(r"^[-+]?\d+,\d+$", t) and not re.match(r"^[-+]?\d{1,3},\d{3}$", t):
        return t.replace(",", ".")  # decimal comma (European style)
    return t


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def parse_multiplier(text: str) -> tuple[str, float] | None:
    """An offset text above a colorbar: ('mul', 1e-4) for '1e-4' or '×10⁻⁴',
    ('add', 1000.0) for '+1e3'. None otherwise."""
    t = normalise_text(text)
    if not t:
        return None
    if t[0] == "+" and len(t) > 1:
        v = parse_number(t[1:])
        return ("add", v) if v is not None else None
    t = t.lstrip("×xX")
    m = re.match(r"^(?:1[eE]([-+]?\d+)|10\^([-+]?\d+))$", t)
    if m:
        return ("mul", 10.0 ** int(m.group(1) or m.group(2)))
    return None


def power_of_ten_reading(text: str) -> float | None:
    """The other reading of '100', '102', '10-1': a power of ten whose superscript
    exponent the OCR read on the base line. None when the text cannot be one."""
    t = normalise_text(text)
    m = re.match(r"^10(-?\d)$", t)
    return 10.0 ** int(m.group(1)) if m else None
