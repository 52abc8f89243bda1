"""The README's Python examples run as written, from the repository's root (the
shell lines are checked by the CLI tests; the install lines by CI itself)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_readme_python_block_runs(k, monkeypatch, tmp_path):
    code = BLOCKS[k]
    if "OUTDIR" in code:  # the batch example reads a batch's output: make one
        from typer.testing import CliRunner

        from digitize.batch import batch_app

        res = CliRunner().invoke(batch_app, [str(ROOT / "fixtures" / "layer_vs_steps.png"), "-o",
                                             str(tmp_path / "OUTDIR"), "--quiet", "--workers", "1"])
        assert res.exit_code == 0, res.output
        code = code.replace('"OUTDIR/', f'"{tmp_path}/OUTDIR/')
    monkeypatch.chdir(ROOT)
    exec(compile(code, f"README block {k}", "exec"), {})
