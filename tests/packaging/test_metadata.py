"""The desktop metadata says what is true: the version is the package's, the screenshot
exists, and the file patterns the desktop entry claims are the ones users name
Dockerfiles by. (`packaging/validate` runs the freedesktop validators in .ci/run.)"""
from __future__ import annotations

import configparser
import fnmatch
import xml.etree.ElementTree as ET
from pathlib import Path

import studio

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def _metainfo() -> ET.Element:
    return ET.parse(PACKAGING / f"{studio.APP_ID}.metainfo.xml").getroot()


def test_metainfo_release_is_the_package_version_and_its_screenshot_exists():
    root = _metainfo()
    assert root.findtext("id") == studio.APP_ID
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == studio.__version__
    images = [el.text for el in root.iter("image")]
    assert images, "no screenshot"
    for url in images:
        path = url.split("/main/", 1)[1]
        assert (ROOT / path).is_file(), f"{url} names {path}, which is not in the repository"


def test_desktop_entry_registers_dockerfiles_and_the_mime_globs_match_their_names():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / f"{studio.APP_ID}.desktop")
    desktop = entry["Desktop Entry"]
    assert "text/x-dockerfile" in desktop["MimeType"].split(";")
    assert desktop["Icon"] == studio.APP_ID and desktop["Exec"].split()[0] == "stage-studio"
    mime = ET.parse(PACKAGING / f"{studio.APP_ID}.mime.xml").getroot()
    kinds = {t.get("type"): [g.get("pattern") for g in t.findall(f"{MIME_NS}glob")]
             for t in mime.findall(f"{MIME_NS}mime-type")}
    globs = kinds["text/x-dockerfile"]
    for name in ("Dockerfile", "api.Dockerfile", "Containerfile", "Dockerfile.dev"):
        assert any(fnmatch.fnmatchcase(name, g) for g in globs), name
    for name in ("README.md", "docker-compose.yml"):
        assert not any(fnmatch.fnmatchcase(name, g) for g in globs), name


def test_version_has_one_source():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and 'attr = "studio.__version__"' in pyproject
    assert "\nversion =" not in pyproject.split("[tool.setuptools.dynamic]")[0]


def test_the_readme_lists_the_desktop_libraries_dev_app_installs():
    """README's install section names the same Debian packages ``./dev app`` installs."""
    import re
    import shlex

    dev = (ROOT / "dev").read_text()
    installs = shlex.split(re.search(r'^QT_XCB_PACKAGES="([^"]*)"', dev, re.M).group(1).replace("\\\n", " "))
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"sudo apt-get install ((?:[^`]|\\\n)*?)\n```", readme).group(1)
    assert shlex.split(block.replace("\\\n", " ")) == installs
    assert "libxcb-cursor0" in installs and "libxkbcommon-x11-0" in installs
