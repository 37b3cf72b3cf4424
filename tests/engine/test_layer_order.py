"""Layers stacked while the save stream arrives (layer_order.EarlyStack) give the report
stacking after the last byte gives, on both engines' layouts (20.10's parent links with
a layer saved as a symlink, 26.1's OCI blobs named by diff id); an order guessed wrong is
noticed at the manifest and nothing of it is kept."""
from __future__ import annotations


import docker
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core.dive_efficiency import dive_numbers
from studio.core.layer_files import Entry, stack
from studio.engine.explore import _files_text, analyse
from studio.engine.image_archive import read_archive, save_stream
from studio.engine.layer_order import EarlyStack

LABEL = "io.github.stagestudio.test.layer-order"


@pytest.fixture(scope="module")
def relinked(docker_client, busybox_image, tmp_path_factory):
    """An image whose first and third layers are identical (20.10 saves the third as a
    symlink to the first), with a delete between them."""
    root = tmp_path_factory.mktemp("relinked")
    (root / "a").write_text("hello\n")
    (root / "Dockerfile").write_text(f"FROM {busybox_image}\nCOPY a /a\nRUN rm /a\nCOPY a /a\n")
    image = docker_client.images.build(path=str(root), labels={LABEL: "1"}, rm=True)[0]
    yield image.id
    try:
        docker_client.api.remove_image(image.id, force=True)
    except docker.errors.NotFound:
        pass


@pytest.mark.engine
def test_stacked_while_reading_equals_stacked_after(docker_client, relinked):
    inspected = docker_client.api.inspect_image(relinked)
    early = EarlyStack(inspected["RootFS"]["Layers"], _files_text)
    archive = read_archive(save_stream(docker_client.api, relinked), early)
    # every layer's place was known before the manifest (the last member) was read
    assert early.order == archive.layer_ids and len(archive.layer_ids) == 4
    if archive.layout == "legacy":
        assert archive.layers[1] == archive.layers[3]  # the symlinked layer was followed
        assert archive.layer_ids[1] != archive.layer_ids[3]  # and keeps its own name
    ours = analyse(archive, "x", relinked, 1, early=early)
    after = analyse(archive, "x", relinked, 1)
    assert ours.json_text() == after.json_text()
    assert [c.change for c in ours.layers[3].changes] == ["added"]


@pytest.mark.engine
def test_a_wrong_guess_is_dropped_at_the_manifest(docker_client, relinked):
    inspected = docker_client.api.inspect_image(relinked)
    wrong = list(reversed(inspected["RootFS"]["Layers"]))
    early = EarlyStack(wrong, _files_text)
    archive = read_archive(save_stream(docker_client.api, relinked), early)
    if archive.layout == "oci":
        assert early.order and not early.finish(archive.layer_ids, archive.layers)
    early = EarlyStack(wrong, _files_text)
    archive = read_archive(save_stream(docker_client.api, relinked), early)
    assert analyse(archive, "x", early=early).json_text() == analyse(archive, "x").json_text()


def _layer(draw, index: int) -> list[Entry]:
    names = draw(st.lists(st.sampled_from(["a", "b", "d/x", "d/y", ".wh.a", "d/.wh.x", "d/.wh..wh..opq"]),
                          max_size=5, unique=True))
    out = [Entry("d", "5", 0, 0o755)] if any(n.startswith("d/") for n in names) else []
    return out + [Entry(n, "0", 0 if ".wh." in n else 10 + index, 0o644) for n in names]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_arrival_order_stacks_as_the_manifest_says(data):
    count = data.draw(st.integers(1, 5))
    layers = [_layer(data.draw, i) for i in range(count)]
    ids = [f"blobs/sha256/{i:02x}" for i in range(count)]
    guess = data.draw(st.permutations(range(count))) if data.draw(st.booleans()) else list(range(count))
    early = EarlyStack([f"sha256:{i:02x}" for i in guess], _files_text)
    for i in data.draw(st.permutations(range(count))):
        early.layer(ids[i], layers[i])
    if list(guess) == list(range(count)):
        assert early.order == ids  # all placed before the manifest
    if early.finish(ids, layers):
        stacked = early.stacker.result()
        assert stacked.changes == stack(layers).changes and stacked.files == stack(layers).files
        assert early.counter.numbers() == dive_numbers(layers)
        assert early.rendered == [_files_text(c) for c in stack(layers).changes]
    else:
        assert list(guess) != list(range(count))


def test_legacy_parent_links_place_layers_in_any_arrival_order():
    layers = [[Entry(f"f{i}", "0", i + 1, 0o644)] for i in range(4)]
    ids = [f"id{i}/layer.tar" for i in range(4)]
    early = EarlyStack(None, _files_text)
    for i in (2, 0, 3, 1):
        parent = f'"parent": "id{i - 1}", ' if i else ""
        early.legacy_json(f"id{i}", f'{{{parent}"id": "id{i}"}}'.encode())
        early.layer(ids[i], layers[i])
    assert early.order == ids and early.finish(ids, layers)
    early = EarlyStack(None, None)
    early.legacy_json("id0", b"not json")
    early.layer(ids[0], layers[0])
    assert early.order == [] and early.finish(ids[:1], layers[:1]) and early.order == ids[:1]


