"""The deployable pieces agree with each other: Beam's version, the image, the entry points."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def setup_beam_version() -> str:
    match = re.search(r'BEAM_VERSION = "([\d.]+)"', (ROOT / "setup.py").read_text())
    assert match, "setup.py must name BEAM_VERSION"
    return match.group(1)


def test_dockerfile_base_image_matches_setup_beam_version():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"FROM apache/beam_python3.11_sdk:{setup_beam_version()}" in dockerfile


def test_dockerfile_keeps_beams_boot_entrypoint_and_the_template_entry_point():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/opt/apache/beam/boot"]' in dockerfile
    assert "FLEX_TEMPLATE_PYTHON_PY_FILE=/opt/crosswire/dataflow/main.py" in dockerfile
    assert (ROOT / "dataflow" / "main.py").is_file()


def test_installed_beam_is_the_pinned_one():
    import apache_beam

    assert apache_beam.__version__ == setup_beam_version()


def test_every_dependency_has_a_version_range():
    setup = (ROOT / "setup.py").read_text()
    requirements = re.findall(r'^\s+f?"([a-z][^"]*)",$', setup, re.MULTILINE)
    assert requirements, "no install_requires found"
    for requirement in requirements:
        assert re.search(r"(==|>=|<)", requirement), f"{requirement} has no version range"
