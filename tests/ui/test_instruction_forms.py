"""Each palette form writes an instruction BuildKit's parser reads as meant, and the
palette shows the text pane's diagnostics for it as it is typed."""
from __future__ import annotations

import dockerfile
import pytest

from studio.ui.graph.instruction_forms import KINDS
from studio.ui.graph.instruction_palette import InstructionPalette


@pytest.fixture
def palette(qtbot):
    checked: list[str] = []

    def check(text):
        checked.append(text)
        return [("error", "an empty value, say")] if text == "ENV A=\"\"" else []

    p = InstructionPalette(None, "Add", check, stage=("alpine:3.20", "app", ""))
    qtbot.addWidget(p)
    p.checked = checked
    return p


def oracle(text: str):
    (command,) = dockerfile.parse_string(text.replace("\n", " \\\n") + "\n")
    return command.cmd.upper(), command.flags, command.value


def test_every_kind_has_a_form(palette):
    assert [palette.kinds.item(i).text() for i in range(palette.kinds.count())] == list(KINDS)


def test_key_value_rows_quote_what_needs_it(palette):
    form = palette.choose("ENV")
    form.set_rows([("PATH", "/usr/local/go/bin:$PATH"), ("GREETING", 'hello "world"')])
    assert palette.text() == 'ENV PATH="/usr/local/go/bin:$PATH" GREETING="hello \\"world\\""'
    assert oracle(palette.text()) == ("ENV", (), ("PATH", '"/usr/local/go/bin:$PATH"', "GREETING",
                                                  '"hello \\"world\\""'))
    form.set_rows([("A", "")])
    assert palette.checked[-1] == "ENV A=\"\"" and "an empty value, say" in palette.problems.text()
    assert not palette.can_accept()


def test_exec_form_list_is_json(palette, qtbot):
    form = palette.choose("CMD")
    form.set_arguments(["/app", "--name", "my app"])
    assert palette.text() == 'CMD ["/app", "--name", "my app"]'
    assert oracle(palette.text()) == ("CMD", (), ("/app", "--name", "my app"))
    form.items.setCurrentRow(1)
    form.items.item(1).setSelected(True)
    form.remove_selected()
    assert oracle(palette.text())[2] == ("/app", "my app")


def test_copy_sources_destination_and_flags(palette, qtbot):
    form = palette.choose("COPY")
    qtbot.keyClicks(form.sources, "/out/app 'my file'")
    qtbot.keyClicks(form.dest, "/usr/local/bin/")
    qtbot.keyClicks(form.source_stage, "build")
    qtbot.keyClicks(form.chmod, "0755")
    assert oracle(palette.text()) == ("COPY", ("--from=build", "--chmod=0755"), ("/out/app", "my file", "/usr/local/bin/"))
    assert palette.can_accept()


def test_run_body_keeps_its_lines(palette, qtbot):
    form = palette.choose("RUN")
    form.body.setPlainText("apk add git\n&& make")
    qtbot.keyClicks(form.flags, "--mount=type=cache,target=/root/.cache")
    assert palette.text() == "RUN --mount=type=cache,target=/root/.cache apk add git\n&& make"
    assert oracle(palette.text()) == ("RUN", ("--mount=type=cache,target=/root/.cache",), ("apk add git && make",))


@pytest.mark.parametrize("kind, fill, expected", [
    ("ARG", lambda f: (f.name.setText("GO"), f.default.setText("1.22")), ("ARG", (), ("GO=1.22",))),
    ("HEALTHCHECK", lambda f: (f.interval.setText("30s"), f.command.setText("true")),
     ("HEALTHCHECK", ("--interval=30s",), ("CMD", "true"))),
    ("WORKDIR", lambda f: f.value.setText("/src"), ("WORKDIR", (), ("/src",))),
    ("FROM flags", lambda f: f.platform.setText("linux/arm64"),
     ("FROM", ("--platform=linux/arm64",), ("alpine:3.20", "AS", "app"))),
])
def test_other_forms(palette, kind, fill, expected):
    fill(palette.choose(kind))
    assert oracle(palette.text()) == expected
