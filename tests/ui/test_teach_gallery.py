"""New from Example reads gallery.json: titles, descriptions, the single/multi pair side by
side, the "builds offline" badge, and Compare Side by Side shows the pair in one compare view."""
from __future__ import annotations

import json

from studio.paths import EXAMPLES
from studio.core import parse
from studio.core.units import human_size
from studio.ui.teach.pair_gallery import PairGallery, load_catalogue, open_chosen


def catalogue():
    return json.loads((EXAMPLES / "gallery.json").read_text(encoding="utf-8"))["examples"]


def test_the_catalogue_lists_every_entry_then_stray_files():
    examples, problem = load_catalogue()
    assert problem is None
    entries = catalogue()
    assert [e.id for e in examples[:len(entries)]] == [e["id"] for e in entries]
    listed = {p.name for ex in examples for p in ex.files.values()}
    assert listed == {p.name for p in EXAMPLES.glob("*.Dockerfile")}


def test_a_broken_catalogue_still_shows_the_files(tmp_path):
    (tmp_path / "gallery.json").write_text("{ not json")
    (tmp_path / "a.Dockerfile").write_text("FROM scratch\n")
    examples, problem = load_catalogue(tmp_path)
    assert "could not be read" in problem
    assert [ex.files["multi"].name for ex in examples] == ["a.Dockerfile"]


def test_the_gallery_shows_the_pair_side_by_side_with_the_offline_badge(qtbot):
    gallery = PairGallery()
    qtbot.addWidget(gallery)
    entries = catalogue()
    offline = next(i for i, e in enumerate(entries) if e.get("builds_offline"))
    online = next(i for i, e in enumerate(entries) if not e.get("builds_offline") and len(e["files"]) == 2)
    gallery.listing.setCurrentRow(offline)
    entry = entries[offline]
    assert gallery.title.text() == entry["title"] and gallery.description.text() == entry["description"]
    assert gallery.badge.isVisibleTo(gallery)
    for kind in ("single", "multi"):
        assert gallery.previews[kind].toPlainText() == (EXAMPLES / entry["files"][kind]).read_text()
        assert entry["files"][kind] in gallery.headers[kind].text()
    assert gallery.both_button.isVisibleTo(gallery)
    gallery.listing.setCurrentRow(online)
    assert not gallery.badge.isVisibleTo(gallery)
    single_only = next(i for i, e in enumerate(entries) if "single" not in e["files"])
    gallery.listing.setCurrentRow(single_only)
    assert not gallery.previews["single"].isVisibleTo(gallery) and not gallery.both_button.isVisibleTo(gallery)


def test_compare_side_by_side_builds_both_and_states_the_difference(open_window, qtbot, docker_client):
    """Issue 14: a real compare view replaces two stacked windows: two graphs, the final
    sizes the engine measured, and the difference, in one window."""
    from testimages import TEST_LABEL

    window, _ = open_window("FROM scratch\n")
    gallery = PairGallery(window)
    qtbot.addWidget(gallery)
    examples, _ = load_catalogue()
    row = next(i for i, e in enumerate(examples) if e.is_pair and e.builds_offline)
    entry = examples[row]
    gallery.listing.setCurrentRow(row)
    gallery.both_button.click()
    chosen = gallery.chosen()
    assert open_chosen(window, chosen)
    view = window.teach.compare
    try:
        assert window.current_text() == entry.files["multi"].read_text()
        assert window.path is None  # a new untitled document, the example stays untouched
        assert view.isVisible() and len(view.graphs) == 2
        assert [len(g.stage_nodes()) for g in view.graphs] == [
            len(parse(entry.files[kind].read_text()).stages) for kind in ("multi", "single")]
        assert "Build both" in view.difference.text()
        view.labels = {TEST_LABEL: "1"}
        view.build_both()
        qtbot.waitUntil(lambda: not view.building(), timeout=240_000)
        multi, single = view.sides
        assert multi.size is not None and single.size is not None, (multi.error, single.error)
        assert view.size_labels[0].text() == f"Final image: {human_size(multi.size)}"
        small, big = sorted((multi, single), key=lambda s: s.size)
        assert human_size(big.size - small.size) in view.difference.text()
        assert view.difference.text().startswith(f"The image of {big.title} is ")
        assert f"{small.title} saves " in view.difference.text()
    finally:
        view.close()
