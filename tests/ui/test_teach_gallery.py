"""New from Example reads gallery.json: titles, descriptions, the single/multi pair side by
side, the "builds offline" badge, and Open Both puts the pair in two windows."""
from __future__ import annotations

import json

from studio.paths import EXAMPLES
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


def test_open_both_puts_the_pair_in_two_windows_with_the_examples_context(open_window, qtbot):
    window, _ = open_window("FROM scratch\n")
    gallery = PairGallery(window)
    qtbot.addWidget(gallery)
    entries = catalogue()
    row = next(i for i, e in enumerate(entries) if e.get("context"))
    entry = entries[row]
    gallery.listing.setCurrentRow(row)
    gallery.both_button.click()
    chosen = gallery.chosen()
    assert [p.name for p, _ in chosen] == [entry["files"]["multi"], entry["files"]["single"]]
    assert open_chosen(window, chosen)
    try:
        assert window.current_text() == (EXAMPLES / entry["files"]["multi"]).read_text()
        assert window.path is None  # a new untitled document, the example stays untouched
        (other,) = window.teach.compare_windows
        assert other.isVisible()
        assert other.current_text() == (EXAMPLES / entry["files"]["single"]).read_text()
        context = str(EXAMPLES / entry["context"])
        assert window.build.controller.context_dir() == context == other.build.controller.context_dir()
    finally:
        for other in list(window.teach.compare_windows):
            other.close()
    qtbot.waitUntil(lambda: not window.teach.compare_windows)
