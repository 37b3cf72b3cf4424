"""The positions store remembers box positions per Dockerfile, outside the file."""
from __future__ import annotations

import json

from studio.ui.graph.positions import PositionStore, default_directory


def test_round_trip_per_file(tmp_path):
    store = PositionStore(tmp_path / "store")
    a, b = tmp_path / "a" / "Dockerfile", tmp_path / "b" / "Dockerfile"
    assert store.load(a) == {}
    assert store.save(a, {"build": (10.0, 20.5), "image:alpine:3.20": (-3, 4)})
    assert store.load(a) == {"build": (10.0, 20.5), "image:alpine:3.20": (-3.0, 4.0)}
    assert store.load(b) == {}
    store.save(a, {"build": (1, 2)})
    assert store.load(a) == {"build": (1.0, 2.0)}
    assert not a.exists()  # the Dockerfile itself is never touched
    assert [p.suffix for p in (tmp_path / "store").iterdir()] == [".json"]


def test_damaged_or_foreign_files_mean_no_positions(tmp_path):
    store = PositionStore(tmp_path)
    path = tmp_path / "Dockerfile"
    store.file_for(path).write_text("{not json")
    assert store.load(path) == {}
    store.file_for(path).write_text('{"file": "/elsewhere", "positions": {"x": [1, 2]}}')
    assert store.load(path) == {}
    store.file_for(path).write_text(json.dumps({"file": str(path.resolve()), "positions": {"x": [1, 2], "bad": "zz"}}))
    assert store.load(path) == {"x": (1.0, 2.0)}


def test_unwritable_directory_is_reported_not_raised(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert PositionStore(blocker / "sub").save(tmp_path / "Dockerfile", {"a": (1, 2)}) is False


def test_default_directory_is_under_app_data(qapp):
    assert default_directory().name == "graph-positions"
