"""A built wheel works outside the checkout: configs come from the package, seeds replay to alerts.

The wheel is built from a copy of the sources (no network: the current environment's
setuptools and wheel) and installed with ``--no-deps`` into a fresh virtualenv that sees
the test environment's site-packages for its dependencies (Beam is not downloaded again).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = ("pipeline", "transforms", "configs", "setup.py", "pyproject.toml", "README.md", "MANIFEST.in")


def clean_env() -> dict[str, str]:
    """No PYTHONPATH, no config override: only what the installed package brings."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CROSSWIRE_CONFIG_DIR")}
    return env


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_replays_the_seeds_elsewhere(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, src],
        check=True,
        capture_output=True,
        env=clean_env(),
    )
    (wheel,) = dist.glob("crosswire-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    purelib = Path(
        subprocess.run(
            [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # the dependencies: this environment's site-packages, after the fresh venv's own (a plain
    # path line, so the test environment's editable install of crosswire is not loaded)
    shared = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (purelib / "zz_shared_deps.pth").write_text("\n".join(dict.fromkeys(shared)) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps", "--no-index", wheel],
        check=True,
        capture_output=True,
    )

    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copytree(ROOT / "seeds", work / "seeds")
    env = clean_env()
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import pipeline.config as c; print(c.__file__, c.default_config_dir())"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert all(line.startswith(str(purelib)) for line in where), where  # code and configs from the wheel

    version = subprocess.run([venv / "bin" / "crosswire", "--version"], env=env, capture_output=True, text=True)
    declared = re.search(r'version="([^"]+)"', (ROOT / "setup.py").read_text())
    assert declared and version.stdout.strip() == f"crosswire {declared.group(1)}"
    done = subprocess.run(
        [venv / "bin" / "crosswire", "replay", "seeds", "--out", "out"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    alerts = [json.loads(line) for line in (work / "out" / "alerts.jsonl").read_text().splitlines()]
    assert any(a["kind"] == "alert" for a in alerts)
    assert (work / "out" / "stories.jsonl").stat().st_size > 0
    report = subprocess.run(
        [venv / "bin" / "crosswire", "report", "out"], cwd=work, env=env, capture_output=True, text=True
    )
    assert report.returncode == 0, report.stderr  # the page's template ships in the wheel too
    assert "persona non grata" in (work / "out" / "report" / "index.html").read_text(encoding="utf-8")
