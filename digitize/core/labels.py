"""Tick text -> numbers.

Handles unicode minus and dashes, thousands separators, scientific notation
(``1e-4``, ``2.5×10⁻³``, ``10^{3}``, ``10³``), ``k``/``M``/``G`` suffixes and
percentages. OCR confusions that are unambiguous in a numeric label (``O`` for 0,
``l`` for 1) are mended. Anything else is not a number: ``None``.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Sequence

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_DASHES = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-",
                         "\u2011": "-", "\ufe63": "-", "\uff0d": "-", "~": "-"})
#: Letters OCR reads for 0 and 1: safe to mend in any label among numbers.
_ZERO_ONE = {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1"}
_CONFUSABLE = str.maketrans(_ZERO_ONE)
#: ... and the rest, mended only where the whole label then reads as a number.
_OCR_DIGITS = str.maketrans({**_ZERO_ONE, "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "g": "9"})
_SUFFIX = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "B": 1e9, "T": 1e12, "m": 1e-3, "μ": 1e-6, "u": 1e-6}

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_RE_PLAIN = re.compile(rf"^({_NUM})(?:[eE]([-+]?\d+))?$")
_RE_TIMES_POW = re.compile(rf"^(?:({_NUM})\s*[x×X*·]\s*)?10\^\{{?([-+]?\d+)\}}?$")


def normalise_text(text: str) -> str:
    """Canonical form of a label: unicode minus to '-', superscripts to '^', no spaces."""
    t = text.strip().translate(_DASHES).replace("°", "⁰")
    t = t.replace("$", "").replace("\\times", "×").replace("\\mathdefault", "").replace("{", "").replace("}", "")
    # superscripts at the end are an exponent; so are plain digits after a raised
    # sign ('10⁻1': OCR read the 1 of a small '10⁻¹' on the base line), and a sign
    # on the base line before raised digits ('10-³': the raised minus read flat)
    sup = re.search(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+$|[⁻⁺][⁰¹²³⁴⁵⁶⁷⁸⁹]*\d+$|(?<=\d)[-+][⁰¹²³⁴⁵⁶⁷⁸⁹]+$", t)
    if sup:
        t = t[:sup.start()] + "^" + sup.group().translate(_SUPERSCRIPT)
    return re.sub(r"\s+", "", t)


#: An open end's sign before a number: '≥', '≤', '>', '<', '>=', '<='; or '=' (a
#: level that holds one value: '=0' beside bins '0-0.1', '0.1-0.5').
_RE_BOUND = re.compile(r"^(?:[<>]=?|[≤≥=])(?=[-+.\d])")


def run_together_numbers(word: str) -> list[str] | None:
    """Numbers of one format printed into each other ('-2.00-1.000.00': a legend's
    labels wider than their spacing, as ggplot2's horizontal bar draws them): the
    numbers, when the word is wholly two or more of them with the same count of
    decimals; else None (digits alone cannot be cut: '100200')."""
    w = word.strip()
    for k in range(1, 5):
        parts = re.findall(rf"[-\u2212\u2013]?\d+[.,]\d{{{k}}}", w)
        if len(parts) >= 2 and "".join(parts) == w:
            return parts
    return None


def parse_number(text: str) -> float | None:
    """A tick label's value, or None when it is not a number.

    An open end ('≥2', '≤-1.5', '>0.8': the bar's last level holds everything
    beyond) is the value printed; a range ('0-0.2', '(0.2,0.4]': a bin of a
    discrete legend) is its middle.

    >>> parse_number("−0.5"), parse_number("2.5×10⁻³"), parse_number("1,000"), parse_number("30k")
    (-0.5, 0.0025, 1000.0, 30000.0)
    >>> parse_number("≤-2"), parse_number(">=1.5"), parse_number("=0")
    (-2.0, 1.5, 0.0)
    """
    t = _RE_BOUND.sub("", normalise_text(text))
    if not t:
        return None
    factor = 1.0
    if t.endswith("%"):
        t = t[:-1]  # the number as printed: "50%" is 50 on a 0%..100% bar
    m = _RE_TIMES_POW.match(t)
    if m:
        mant = float(m.group(1)) if m.group(1) else 1.0
        return _finite(mant * _power_of_ten(m.group(2)) * factor)
    if len(t) > 1 and t[-1] in _SUFFIX and re.match(rf"^{_NUM}$", t[:-1].replace(",", "")):
        return _finite(float(t[:-1].replace(",", "")) * _SUFFIX[t[-1]] * factor)
    t2 = _strip_thousands(t)
    m = _RE_PLAIN.match(t2)
    if m is None:
        fixed = t2.translate(_OCR_DIGITS)
        if fixed != t2 and re.search(r"\d", t2):
            m = _RE_PLAIN.match(fixed)
    if m is None:
        return _range_middle(t, factor)
    v = float(m.group(1))
    if m.group(2):
        v *= _power_of_ten(m.group(2))
    return _finite(v * factor)


_RE_RANGE = re.compile(rf"^({_NUM})(?:-|to)({_NUM})$|^[\[(]({_NUM}),({_NUM})[\])]$")


def _range_ends(t: str) -> tuple[float, float] | None:
    """The ends of a range label already normalised ('0-0.2', '0.2to0.4',
    '(0.4,0.6]', '-0.4--0.2'); None unless the second end is the larger (a
    thousands comma is no range) and both are finite."""
    m = _RE_RANGE.match(t)
    if m is None:
        return None
    a, b = (float(v) for v in (m.group(1, 2) if m.group(1) is not None else m.group(3, 4)))
    return (a, b) if b > a and math.isfinite(a) and math.isfinite(b) else None


def _range_middle(t: str, factor: float) -> float | None:
    """A bin's label (a discrete legend of ranges, each label beside its swatch) is
    the middle of its range (``_range_ends``)."""
    ends = _range_ends(t)
    return None if ends is None else _finite((ends[0] + ends[1]) / 2 * factor)


def bin_ends(text: str) -> tuple[float, float] | None:
    """The ends of a bin's range label ('0-0.2' -> (0.0, 0.2), '(0.2,0.4]' -> (0.2,
    0.4)); None for any other label.

    >>> bin_ends("0.5-1.0"), bin_ends("≥2")
    ((0.5, 1.0), None)
    """
    return _range_ends(normalise_text(text))


def is_bin_label(text: str) -> bool:
    """Whether a label names a bin of a legend, not a value on a line: a range
    ('0-0.1', '(0.2,0.4]') or a bound ('≥2', '=0').

    >>> is_bin_label("0.1-0.5"), is_bin_label("≤-1.5"), is_bin_label("-0.5")
    (True, True, False)
    """
    t = normalise_text(text)
    return bool(_RE_BOUND.match(t)) or _range_ends(t) is not None


def _power_of_ten(exponent: str) -> float:
    """10 ** exponent, infinite past the floats' range (an OCR'd '1e999' or '10^400'
    is no number: ``_finite`` drops it) instead of an OverflowError."""
    k = int(exponent)
    return math.inf if k > 308 else 0.0 if k < -330 else 10.0 ** k


def mend_number_text(text: str) -> str | None:
    """A label as printed when OCR read some of its digits as look-alike letters
    ('10ok' for '100k', 'O' for '0', 'l5' for '15'), for a label among numbers.
    The text itself when it is a number already; None when no mending makes one.

    >>> mend_number_text("10ok"), mend_number_text("O"), mend_number_text("alpha")
    ('100k', '0', None)
    """
    t = text.strip()
    suffix = t[-1] if len(t) > 1 and t[-1] in "kKM%" else ""
    fixed = t[:len(t) - len(suffix)].translate(_CONFUSABLE) + suffix
    if fixed != t and parse_number(fixed) is not None:
        return fixed
    return t if parse_number(t) is not None else None


def steps_evenly(values: Sequence[float | None], index: Sequence[float] | None = None, *,
                 tol: float = 0.0) -> bool:
    """True when at least 3 numbers, at their places ``index`` (default 0, 1, 2...),
    step evenly: each the first plus a fixed step per place (0, 0.25, 0.5...), or
    times a fixed factor (1, 10, 100...). Ticks are printed this way; a misread
    digit breaks the step. ``tol``: how far a number may stand off the even step
    (labels rounded to their printed digits: half a unit of the last digit).

    >>> steps_evenly([0.0, 0.1, 0.2, 0.3]), steps_evenly([1, 10, 100]), steps_evenly([0, 1, 3])
    (True, True, False)
    """
    idx = list(range(len(values))) if index is None else list(index)
    pts = [(float(i), float(v)) for i, v in zip(idx, values) if v is not None and math.isfinite(v)]
    if len(pts) < 3 or len(pts) < len(values):
        return False

    def linear(p, off_by: float) -> bool:
        (i0, v0), (i1, v1) = p[0], p[-1]
        if i1 == i0 or v1 == v0:
            return False
        off = 1e-6 * max(abs(v) for _, v in p) + 1e-12
        if off_by:  # rounded labels: some even step keeps every value within off_by
            # (a line within e of every point exists iff every pair allows a common slope)
            e = 2 * (off_by + off)
            lo = max((vj - vi - e) / (j - i) for a, (i, vi) in enumerate(p) for j, vj in p[a + 1:])
            hi = min((vj - vi + e) / (j - i) for a, (i, vi) in enumerate(p) for j, vj in p[a + 1:])
            return lo <= hi and (lo > 0 or hi < 0)
        step = (v1 - v0) / (i1 - i0)
        return all(abs(v0 + step * (i - i0) - v) <= off for i, v in p)

    return linear(pts, tol) or (all(v > 0 for _, v in pts) and linear([(i, math.log10(v)) for i, v in pts], 0.0))


def label_pattern(text: str, *, any_digits: bool = False) -> str:
    """A label's shape: digits as 'd', letters as 'a', the rest as printed
    ('r0' -> 'ad', 'layer 12' -> 'aaaaa dd'); ``any_digits``: a run of digits as
    one 'D', of any length ('L7', 'L12' -> 'aD').

    >>> label_pattern("layer 12"), label_pattern("L12", any_digits=True)
    ('aaaaa dd', 'aD')
    """
    shape = "".join("d" if c.isdigit() else "a" if c.isalpha() else c for c in text.strip())
    return re.sub("d+", "D", shape) if any_digits else shape


def mend_to_pattern(text: str, pattern: str) -> str | None:
    """A label read with look-alike letters where its siblings all have digits,
    mended ('ro' among 'r1', 'r2': pattern 'ad' -> 'r0'). The text itself when it
    has the pattern; None when it differs otherwise.

    >>> mend_to_pattern("ro", "ad"), mend_to_pattern("r2", "ad"), mend_to_pattern("rx", "ad")
    ('r0', 'r2', None)
    """
    t = text.strip()
    shape = label_pattern(t)
    if shape == pattern:
        return t
    if len(shape) != len(pattern):
        return None
    out = []
    for c, have, want in zip(t, shape, pattern):
        if have == want:
            out.append(c)
        elif want == "d" and c.translate(_CONFUSABLE).isdigit():
            out.append(c.translate(_CONFUSABLE))
        else:
            return None
    return "".join(out)


def mend_to_shape(text: str, shape: str) -> str | None:
    """``mend_to_pattern`` against a shape with one run of digits of any length
    ('aD': 'L0' ... 'L24'), stretched to the text's length ('LO' -> 'L0').

    >>> mend_to_shape("LO", "aD"), mend_to_shape("L1O", "aD"), mend_to_shape("Lx", "aD")
    ('L0', 'L10', None)
    """
    t = text.strip()
    if shape.count("D") != 1:
        return None
    head, tail = shape.split("D")
    n = len(t) - len(head) - len(tail)
    return mend_to_pattern(t, head + "d" * n + tail) if n >= 1 else None


#: Letters whose capital is their small letter drawn larger: OCR confuses the two.
_CASE_ALIKE = set("cosuvwxzkp")


def unify_case(texts: list[str]) -> list[str]:
    """Labels of one axis that follow one pattern ('s1', 's2', 'S3' ...), where a
    letter whose capital looks like it ('s', 'o', 'c' ...) is read in both cases at
    one place: the case most of them show, when at least 60% do.

    >>> unify_case(["s1", "s2", "S3", "s4"])
    ['s1', 's2', 's3', 's4']
    """
    if len(texts) < 3 or len({len(t) for t in texts}) != 1:
        return texts
    out = [list(t) for t in texts]
    for pos in range(len(texts[0])):
        col = [t[pos] for t in texts]
        if not all(c.isalpha() for c in col) or len({c.lower() for c in col}) != 1 or col[0].lower() not in _CASE_ALIKE:
            continue
        top, n = Counter(col).most_common(1)[0]
        if n >= 0.6 * len(col):
            for t in out:
                t[pos] = top
    return ["".join(t) for t in out]


def _strip_thousands(t: str) -> str:
    # a thousands group never starts with a lone 0: '0,044' is a decimal comma
    if re.match(r"^[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$", t):
        return t.replace(",", "")
    if re.match(r"^[-+]?\d+,\d+$", t) and not re.match(r"^[-+]?[1-9]\d{0,2},\d{3}$", t):
        return t.replace(",", ".")  # decimal comma (European style)
    return t


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def parse_multiplier(text: str) -> tuple[str, float] | None:
    """An offset text above a colorbar: ('mul', 1e-4) for '1e-4' or '×10⁻⁴',
    ('add', 1000.0) for '+1e3'. None otherwise.

    >>> parse_multiplier("1e6"), parse_multiplier("le6"), parse_multiplier("×10⁻³")
    (('mul', 1000000.0), ('mul', 1000000.0), ('mul', 0.001))
    """
    t = normalise_text(text)
    if not t:
        return None
    if t[0] == "+" and len(t) > 1:
        v = parse_number(t[1:])
        return ("add", v) if v is not None else None
    t = t.lstrip("×xX")
    # OCR reads the 1 of '1e6' as a letter ('le6'): the look-alikes of 0 and 1 are
    # mended outside the 'e'
    for cand in (t, "".join(c if c in "eE" else c.translate(_CONFUSABLE) for c in t)):
        m = re.match(r"^(?:1[eE]([-+]?\d+)|10\^([-+]?\d+))$", cand)
        if m:
            return ("mul", 10.0 ** int(m.group(1) or m.group(2)))
    return None


def power_exponent(text: str) -> int | None:
    """k when a label reads as a power of ten printed with a superscript ('10³',
    '10⁻²', '10^{4}'), else None.

    >>> power_exponent("10³"), power_exponent("10⁻²"), power_exponent("1e3")
    (3, -2, None)
    """
    t = normalise_text(text).replace("°", "^0")
    m = re.match(r"^10\^([-+]?\d+)$", t)
    return int(m.group(1)) if m else None


def lost_point_reading(text: str) -> float | None:
    """The other reading of '02', '-05', '0025': a decimal number whose point the OCR
    lost (small type: the point is a pixel or two). No plotting library writes a
    leading zero before another digit, so the point goes after it. None when the
    text cannot be one.

    >>> lost_point_reading("02"), lost_point_reading("-05"), lost_point_reading("0025")
    (0.2, -0.5, 0.025)
    >>> lost_point_reading("0"), lost_point_reading("0.2"), lost_point_reading("20")
    (None, None, None)
    """
    t = normalise_text(text)
    m = re.match(r"^(-?)0(\d+)$", t)
    return float(f"{m.group(1)}0.{m.group(2)}") if m else None


def power_of_ten_reading(text: str) -> float | None:
    """The other reading of '100', '102', '10-1': a power of ten whose superscript
    exponent the OCR read on the base line. None when the text cannot be one."""
    t = normalise_text(text)
    m = re.match(r"^10(-?\d)$", t)
    return 10.0 ** int(m.group(1)) if m else None
