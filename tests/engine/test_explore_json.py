"""explore --json writes its per-file objects by hand for speed: the text must be exactly
what json.dumps writes for the same report, whatever the paths hold."""
from __future__ import annotations

import io
import json
import tarfile

from studio.engine.explore import analyse
from studio.engine.image_archive import read_archive

ODD = ["caf\u00e9/men\u00fc.txt", 'quo"te\\back', "tab\there", "\udcff-not-utf8", "emoji-\U0001f600", "ctl\x01"]


def _tar(members: list[tuple[str, bytes | None]]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT, encoding="utf-8",
                      errors="surrogateescape") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _archive() -> bytes:
    layers = [
        _tar([("d", None)] + [(f"d/{n}", n.encode("utf-8", "surrogateescape") * 3) for n in ODD]
             + [("gone.bin", b"x" * 700)]),
        _tar([("d/" + ODD[1], b"bigger now" * 50), (".wh.gone.bin", b""), ("new", b"n")]),
    ]
    history = [{"created_by": "COPY \u00e9 /d"}, {"created_by": 'RUN echo "x" > /new', "comment": "t\u00e9st"}]
    config = json.dumps({"history": history, "rootfs": {"type": "layers"}}).encode()
    manifest = json.dumps([{"Config": "c.json", "Layers": ["l0/layer.tar", "l1/layer.tar"]}]).encode()
    return _tar([("l0/layer.tar", layers[0]), ("l1/layer.tar", layers[1]), ("c.json", config),
                 ("manifest.json", manifest)])


def test_json_text_is_json_dumps_text():
    report = analyse(read_archive(io.BytesIO(_archive())), "im\u00e4ge:1", "sha256:abc", 1234)
    assert report.dive.wasted_bytes > 0 and len(report.files) > len(ODD)  # waste, odd names: all of it shows
    extra = {"compare": {"image": "\u00e9", "files": []}, "ci": {"pass": False, "rules": []}}
    assert report.json_text(extra) == json.dumps({**report.to_json(), **extra})
    assert report.json_text() == json.dumps(report.to_json())
    for layer in report.layers:
        assert layer.json_text() == json.dumps(layer.to_json())
