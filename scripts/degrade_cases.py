#!/usr/bin/env python3
"""Copy case folders (image.* and truth.json) with the image made worse, for
calibrating the confidence on readings that go wrong as they do in real papers:

    python scripts/degrade_cases.py SRC_ROOT DST_ROOT [--scale 0.6] [--jpeg 70]

Each image is resampled by --scale (area averaging) and saved as JPEG at quality
--jpeg; the truth is copied unchanged (values, labels and scale do not depend on
the pixels). Folder names get a suffix saying how they were degraded.
"""
import argparse
import glob
import os
import shutil

from PIL import Image


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--scale", type=float, default=0.6)
    ap.add_argument("--jpeg", type=int, default=70)
    a = ap.parse_args()
    for truth in sorted(glob.glob(os.path.join(a.src, "*", "truth.json"))):
        case = os.path.dirname(truth)
        image = sorted(p for p in glob.glob(os.path.join(case, "image.*")) if not p.endswith(".svg"))[0]
        out = os.path.join(a.dst, f"{os.path.basename(case)}_s{int(a.scale * 100)}q{a.jpeg}")
        os.makedirs(out, exist_ok=True)
        im = Image.open(image).convert("RGB")
        w, h = im.size
        im = im.resize((max(8, round(w * a.scale)), max(8, round(h * a.scale))), Image.BOX)
        im.save(os.path.join(out, "image.jpg"), quality=a.jpeg)
        shutil.copy(truth, os.path.join(out, "truth.json"))


if __name__ == "__main__":
    main()
