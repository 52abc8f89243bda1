"""The README's examples run as written, from the repository's root: its first
session typed in order (a shell), then its Python blocks (the install lines are
run by CI itself)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
SESSION = re.search(r"A first session.*?```bash\n(.*?)```", README, flags=re.S)


def test_the_first_session_runs_as_typed(tmp_path):
    """Every line of the README's first session, in order, in one shell, in a copy
    of the repository's root (the fixtures and this venv linked), each line's
    outputs checked."""
    assert SESSION, "the README shows a first session"
    lines = [ln for ln in SESSION.group(1).splitlines() if ln.strip()]
    assert lines[0] == "source .venv/bin/activate" and any(ln.startswith("digitize batch") for ln in lines)
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    venv = Path(sys.executable).parent.parent
    if not (venv / "bin" / "activate").exists():
        pytest.skip("the tests do not run in a venv")
    (tmp_path / ".venv").symlink_to(venv)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", SESSION.group(1)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "table.csv").read_text().startswith("Steps \\ Layer,1,2,3")
    assert len((tmp_path / "cells.csv").read_text().splitlines()) == 1 + 120
    assert (tmp_path / "check.png").read_bytes()[:4] == b"\x89PNG"
    assert '"read_from": "vector"' in run.stdout and "0.1.0" in run.stdout
    assert (tmp_path / "OUTDIR" / "summary.csv").exists() and (tmp_path / "OUTDIR" / "index.html").exists()


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
