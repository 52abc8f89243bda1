"""Text drawn as glyph outlines, spelled: Cairo's SVG (R's svg(), pdf2svg) draws
every glyph as a ``symbol`` placed by ``use``, with no text at all.

Each distinct outline is one character wherever it is placed, so the page's
glyphs are gathered into runs (words and numbers), each run drawn alone in black
from the outlines and read by the OCR engine, and every outline takes the
character its readings agree on most (weighted by their scores). A run is then
spelled from its outlines: a misreading in one label is outvoted by the same
glyph read right in the others, and each label comes out as its glyphs spell it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import numpy as np

from ..raster.ocr import Recognizer, prepare_crop
from ..sources.objects import OUTLINE_BASE, TextItem, VectorPage, join_text, union_box

#: A run's crop reaches this share of its height past its glyphs.
CROP_MARGIN = 0.35
#: Glyphs of one run stand at most this share of their height apart (ink to ink:
#: a '1' stands well inside its advance; a word space is about half a digit's height).
GLYPH_GAP = 0.6
#: An outline read alone counts as this many readings of a run that holds it
#: (alone it has no context to mislead it: 'g1' reads '91', 'g' reads 'g').
ALONE_WEIGHT = 2.0
#: An outline read alone as surely as this outweighs its readings in runs (a
#: short label's context misleads alike each time: 'g1', 'g2' read '91', '92'),
#: unless it reads as a character that alone looks like another.
ALONE_SURE = 0.99
ALONE_AMBIGUOUS = set("Il1|iO0o.,'`-")
AMBIGUOUS_WEIGHT = 0.5
#: A small letter's height against a capital's, where no small letter of the
#: font tells it (sans-serif faces: about 0.72).
X_HEIGHT = 0.72
#: Letters whose capital differs from the small one only in size.
SIZE_CASED = set("cosuvwxz")


def _font_of(ph: str, fonts: tuple[int, ...]) -> int:
    k = ord(ph) - OUTLINE_BASE
    return fonts[k] if 0 <= k < len(fonts) else -1


def _assigned(votes: dict[str, dict[str, float]], fonts: tuple[int, ...]) -> dict[str, str]:
    """Each outline's character: the best-voted pairs first, no two outlines of
    one font taking one character (they would be one outline); an outline whose
    every candidate is taken keeps its best."""
    pairs = sorted(((w, ph, c) for ph, v in votes.items() for c, w in v.items()), reverse=True)
    out: dict[str, str] = {}
    used: set[tuple[int, str]] = set()
    for _, ph, c in pairs:
        key = (_font_of(ph, fonts), c)
        if ph in out or key in used:
            continue
        out[ph] = c
        used.add(key)
    for ph, v in votes.items():
        out.setdefault(ph, max(v.items(), key=lambda kv: kv[1])[0])
    return out


def _cased(spelling: dict[str, str], glyphs: dict[str, TextItem], fonts: tuple[int, ...]) -> dict[str, str]:
    """Letters whose two cases differ only in size (SIZE_CASED) take the case their
    height says, against the digits, capitals and ascenders of their font (a lone
    'v' reads 'V')."""
    out = dict(spelling)
    for ph, c in spelling.items():
        if c.lower() not in SIZE_CASED or ph not in glyphs:
            continue
        f = _font_of(ph, fonts)
        tall = [glyphs[q].size for q, d in spelling.items() if q in glyphs and _font_of(q, fonts) == f
                and (d.isdigit() or d in "bdfhkl" or (d.isupper() and d.lower() not in SIZE_CASED and d not in "JQ"))]
        small = [glyphs[q].size for q, d in spelling.items() if q in glyphs and q != ph and _font_of(q, fonts) == f
                 and d in "acemnrsuvwxz"]
        if not tall:
            continue
        cap = float(np.median(tall))
        x = float(np.median(small)) if small else X_HEIGHT * cap
        if cap > 1.15 * x:
            h = glyphs[ph].size
            out[ph] = c.lower() if abs(h - x) < abs(h - cap) else c.upper()
    return out


#: The angles (degrees, counter-clockwise from level) a font's text is tried at:
#: level, upright, and the slants of turned tick labels; the cheapest (``_cost``)
#: is taken, the first of equals.
ANGLES = (0.0, 90.0, 45.0, 135.0, 30.0, 60.0, 120.0, 150.0)


def _level(g: TextItem, angle: float, points: np.ndarray | None = None) -> TextItem:
    """A glyph's box in the frame turned so that its font reads level: the extent
    of its outline's points, or of its box's corners."""
    t = np.radians(angle)
    d, n = np.array([np.cos(t), -np.sin(t)]), np.array([np.sin(t), np.cos(t)])
    if points is None or len(points) == 0:
        points = np.array([(g.box[0], g.box[1]), (g.box[2], g.box[1]), (g.box[0], g.box[3]), (g.box[2], g.box[3])])
    u, v = points @ d, points @ n
    return TextItem(g.text, (float(u.min()), float(v.min()), float(u.max()), float(v.max())), False)


#: A run whose glyphs' centres stray across it by more than this share of their
#: height is not one line (glyphs taken at the wrong angle).
STRAY_ACROSS = 0.5


#: Each glyph of a font stands for itself in the runs joined at one angle: the
#: k-th as this character plus k, so a run's text names its glyphs.
_INDEX_BASE = 0xF0000
#: At most this many glyphs of one font are joined into runs (the characters
#: left in Unicode past _INDEX_BASE); the rest are left unread.
MAX_FONT_GLYPHS = 0x10FFFF - _INDEX_BASE


def _joined(level: list[TextItem]) -> list[list[int]]:
    """The glyphs (boxes in their font's level frame) joined into runs: each run
    the indices of its glyphs, in order along it."""
    named = [TextItem(chr(_INDEX_BASE + k), g.box, False) for k, g in enumerate(level)]
    return [[ord(c) - _INDEX_BASE for c in run.text if ord(c) >= _INDEX_BASE]
            for run in join_text(named, gap=GLYPH_GAP)]


def _cost(runs: list[list[int]], level: list[TextItem]) -> int:
    """How badly glyphs read at one angle: their runs, and twice over each run
    whose glyphs do not stand on one line."""
    cost = 0
    for run in runs:
        v = [level[k].cy for k in run]
        h = float(np.median([level[k].size for k in run]))
        cost += 1 + (2 if max(v) - min(v) > STRAY_ACROSS * h else 0)
    return cost


def _runs(glyphs: list[TextItem], points: tuple, fonts: tuple[int, ...]) -> list[tuple[list[TextItem], float]]:
    """The page's glyphs (``points``: each one's outline) in runs (words and
    numbers; a legend's row of numbers may be one run), each in order along its
    font's direction, with that angle."""
    out = []
    by_font: dict[int, list[int]] = defaultdict(list)
    for k, g in enumerate(glyphs):
        by_font[_font_of(g.text, fonts)].append(k)
    for ids in by_font.values():
        ids = ids[:MAX_FONT_GLYPHS]
        tried = []
        for angle in ANGLES:
            level = [_level(glyphs[k], angle, points[k] if k < len(points) else None) for k in ids]
            runs = _joined(level)
            tried.append((_cost(runs, level), angle, runs))
        _, angle, runs = min(tried, key=lambda t: t[0])  # the first of the cheapest
        out += [([glyphs[ids[k]] for k in run], angle) for run in runs]
    return out


def _crop(picture: np.ndarray, members: list[TextItem], box, scale: float) -> np.ndarray | None:
    """The run's glyphs alone: the drawing of the outlines inside each member's
    box (a pixel more each side), white elsewhere, cut to the run's box and margin."""
    h, w = picture.shape[:2]
    size = max(min(box[2] - box[0], box[3] - box[1]), 1.0)
    pad = CROP_MARGIN * size
    cx0, cy0 = max(int((box[0] - pad) * scale), 0), max(int((box[1] - pad) * scale), 0)
    cx1, cy1 = min(int(np.ceil((box[2] + pad) * scale)), w), min(int(np.ceil((box[3] + pad) * scale)), h)
    if cx1 - cx0 < 2 or cy1 - cy0 < 2:
        return None
    out = np.full((cy1 - cy0, cx1 - cx0, 3), 255, np.uint8)
    for g in members:
        gx0, gy0 = max(int(g.box[0] * scale) - 1, cx0), max(int(g.box[1] * scale) - 1, cy0)
        gx1, gy1 = min(int(np.ceil(g.box[2] * scale)) + 1, cx1), min(int(np.ceil(g.box[3] * scale)) + 1, cy1)
        if gx1 > gx0 and gy1 > gy0:
            out[gy0 - cy0:gy1 - cy0, gx0 - cx0:gx1 - cx0] = picture[gy0:gy1, gx0:gx1]
    return out


def spell_outlines(page: VectorPage, picture: np.ndarray, scale: float, recognizer: Recognizer) -> VectorPage:
    """``page`` with its glyph outlines (``page.glyphs``, drawn alone in ``picture``
    at ``scale`` pixels a point) spelled and joined into its texts."""
    glyphs = list(page.glyphs)
    if not glyphs:
        return page
    runs = _runs(glyphs, page.glyph_points, page.glyph_fonts)
    crops, owners = [], []  # one crop per run, two (both ways round) for a run not level
    for k, (mem, angle) in enumerate(runs):
        box = union_box(g.box for g in mem)
        crop = _crop(picture, mem, box, scale) if mem else None
        if crop is None:
            continue
        height = float(np.median([_level(g, angle).size for g in mem])) * scale
        for turn in ((angle, angle + 180.0) if angle else (0.0,)):
            crops.append(prepare_crop(crop, text_height=height, rotate=int(round(360.0 - turn)) % 360))
            owners.append((k, turn))
    reads = recognizer.recognize(crops) if crops else []
    best: dict[int, tuple[str, float, float]] = {}
    for (k, turn), r in zip(owners, reads):
        if k not in best or r.score > best[k][1]:
            best[k] = (r.text, r.score, turn)
    members = [mem for mem, _ in runs]
    order = {k: members[k][::-1] if turn >= 180 else members[k] for k, (_, _, turn) in best.items()}  # as read
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for k, (text, score, _) in best.items():
        chars = [c for c in text if not c.isspace()]
        if len(chars) == len(order[k]):
            for g, c in zip(order[k], chars):
                votes[g.text][c] += max(score, 1e-3)
    # each outline read alone too, turned as the runs that hold it read best
    turns: dict[str, list[float]] = defaultdict(list)
    for k, (_, _, turn) in best.items():
        for g in members[k]:
            turns[g.text].append(turn)
    alone = {g.text: g for g in glyphs if g.text in turns}
    _vote_alone(votes, alone, turns, picture, scale, recognizer)
    spelling = _assigned(votes, page.glyph_fonts)
    # heights read in each font's own frame (a turned font's glyphs are wide, not tall)
    outline = {id(g): p for g, p in zip(glyphs, page.glyph_points)}
    angle_of = {g.text: a for mem, a in runs for g in mem}
    upright = {ph: _level(g, angle_of.get(ph, 0.0), outline.get(id(g))) for ph, g in alone.items()}
    spelling = _cased(spelling, upright, page.glyph_fonts)
    pieces: list[TextItem] = []
    held: list[TextItem] = []  # pieces of runs read downwards or aslant: not joined again
    for k, (mem, angle) in enumerate(runs):
        if k in best:
            run = TextItem("", union_box(g.box for g in mem), 45.0 <= angle <= 135.0)
            got = _pieces(order[k], best[k][0], spelling, run)
            (pieces if best[k][2] in (0.0, 90.0) else held).extend(got)
    return replace(page, texts=tuple(page.texts) + tuple(join_text(pieces)) + tuple(held), glyphs=())


def _vote_alone(votes: dict, alone: dict[str, TextItem], turns: dict[str, list[float]], picture: np.ndarray,
                scale: float, recognizer: Recognizer) -> None:
    """Add to ``votes`` each outline's reading alone (one placing of it, turned as
    most runs holding it read best): an unsure or look-alike reading counts as a
    reading or two of a run, a sure one outweighs the runs."""
    crops = []
    for ph, g in alone.items():
        crop = _crop(picture, [g], g.box, scale)
        turn = max(set(turns[ph]), key=turns[ph].count)
        height = _level(g, turn).size * scale
        crops.append(None if crop is None else prepare_crop(crop, text_height=height,
                                                            rotate=int(round(360.0 - turn)) % 360))
    shown = [c for c in crops if c is not None]
    reads = iter(recognizer.recognize(shown) if shown else [])
    for ph, crop in zip(alone, crops):
        r = next(reads) if crop is not None else None
        if r is not None and len(r.text.strip()) == 1:
            c = r.text.strip()
            if c in ALONE_AMBIGUOUS:  # alone, 'l' and '1' look alike: the runs say which
                votes[ph][c] += AMBIGUOUS_WEIGHT * max(r.score, 1e-3)
            elif r.score >= ALONE_SURE:
                votes[ph][c] += max(sum(votes[ph].values()) + 1.0, ALONE_WEIGHT)
            else:
                votes[ph][c] += ALONE_WEIGHT * max(r.score, 1e-3)


def _pieces(glyphs: list[TextItem], read: str, spelling: dict[str, str], run: TextItem) -> list[TextItem]:
    """A run's words and numbers: its glyphs spelled, cut where its reading has a
    space (a run of glyphs may hold several labels: a legend's '0 10 20'), save
    between two words (a title's). A run read with another count of
    characters than it has glyphs stays whole, as read."""
    chars = [c for c in read if not c.isspace()]
    if len(chars) != len(glyphs) or not glyphs:
        return [TextItem(read.strip(), run.box, run.vertical)] if read.strip() else []
    out: list[tuple[str, list[TextItem]]] = []
    k = 0
    for token in read.split():
        part, k = glyphs[k:k + len(token)], k + len(token)
        word = "".join(spelling.get(g.text, c) for g, c in zip(part, token))
        if out and out[-1][0][-1:].isalpha() and word[:1].isalpha():  # words of one label
            out[-1] = (out[-1][0] + " " + word, out[-1][1] + part)
        else:
            out.append((word, part))
    return [TextItem(word, union_box(g.box for g in part), run.vertical) for word, part in out]
