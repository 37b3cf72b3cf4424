"""What explore says beyond dive's two numbers, each checked against the engine on both
backends and both engines (found by a new-user trial):
- a file deleted or replaced while a hard link to it stays is not buried: the link still
  reaches its bytes (``stat`` in a container says so), and the link shows them;
- a folder replaced by a link leaves bytes no path reaches: dive's count leaves them out,
  explore states them beside it;
- a Dockerfile that did not make the image ties nothing, and says so; one that did ties
  every layer, continuation lines and all;
- text output never passes a file name's control characters to the terminal;
- empty or malformed input gets one line and exit 2."""
from __future__ import annotations

import json

import docker
import pytest

from studio.cli import main
from studio.core.units import visible
from studio.engine.builder import Build, BuildRequest
from studio.engine.connection import connect
from studio.engine.explore import explore_image

pytestmark = pytest.mark.engine

LABEL = "io.github.stagestudio.test.explore-truths"
BASE = "FROM stage-studio-test/busybox:latest\n"
LINKED = BASE + ("RUN head -c 20000 /dev/urandom > /big && ln /big /keep && head -c 3000 /dev/urandom > /hl1"
                 " && ln /hl1 /hl2\n"
                 "RUN rm /big\n"
                 "RUN chmod 600 /hl1\n")
RELINKED_DIR = BASE + ("RUN mkdir -p /dd/sub && head -c 5000 /dev/urandom > /dd/sub/big.bin\n"
                       "RUN rm -rf /dd && ln -s /tmp /dd\n")
SPACED = BASE + ("RUN echo 'two  spaces' > /a && \\\n    echo next >> /a\n"
                 "RUN touch \"$(printf '/esc\\033[31mRED\\nFAKE')\"\n")


@pytest.fixture(scope="module", params=["buildkit", "classic"])
def build_image(request, docker_client, tmp_path_factory):
    made = []

    def build(text: str) -> str:
        root = tmp_path_factory.mktemp("ctx")
        run = Build(BuildRequest(text, str(root), labels={LABEL: "1"}, backend=request.param), client=docker_client)
        for _ in run.events():
            pass
        assert run.result.ok, run.result.error
        made.append(run.result.image_id)
        return run.result.image_id

    build.backend = request.param
    yield build
    for image in made:
        try:
            docker_client.api.remove_image(image, force=True)
        except docker.errors.APIError:
            pass


def in_container(client, image: str, *command: str) -> str:
    return client.containers.run(image, list(command), remove=True).decode()


def test_a_hard_link_keeps_its_bytes_reachable(docker_client, build_image):
    image = build_image(LINKED)
    report = explore_image(docker_client.api, image)
    buried = {b.path for b in report.stacked.buried}
    assert "big" not in buried and "hl1" not in buried  # /keep and /hl2 still reach them
    sizes = report.file_table()
    for path in ("keep", "hl2"):
        assert sizes[path][0] == int(in_container(docker_client, image, "stat", "-c", "%s", f"/{path}"))
    assert report.stacked.hard_links["keep"] == ("big", 20000)


def test_bytes_no_path_reaches_are_stated_beside_dives_count(docker_client, build_image, capsys):
    image = build_image(RELINKED_DIR)
    report = explore_image(docker_client.api, image)
    gone = in_container(docker_client, image, "sh", "-c", "ls /dd/sub/big.bin 2>&1 || true")
    assert "No such file" in gone
    assert report.dive.wasted_bytes == 0 and report.unreachable_bytes == 5000
    assert main(["explore", image]) == 0
    text = capsys.readouterr().out
    assert "wasted: 0 B (as dive counts)" in text and "unreachable: 5.00 kB in 1 file" in text


def test_a_dockerfile_that_did_not_make_the_image_ties_nothing(docker_client, build_image, tmp_path, capsys):
    image = build_image(SPACED)
    made = tmp_path / "made.Dockerfile"
    made.write_text(SPACED)
    other = tmp_path / "other.Dockerfile"
    other.write_text(BASE + "RUN echo something else > /a\nRUN true\n")
    assert main(["explore", image, "--file", str(made), "--json"]) == 0
    out = capsys.readouterr()
    ours = json.loads(out.out)
    assert ours["warnings"] == [] and "warning" not in out.err
    assert [layer["line"] for layer in ours["layers"]][-2:] == [2, 4]
    assert main(["explore", image, "--file", str(other), "--json"]) == 0
    out = capsys.readouterr()
    theirs = json.loads(out.out)
    assert "does not match the image" in out.err and theirs["warnings"]
    assert all(layer["line"] is None for layer in theirs["layers"])
    assert all(f["line"] is None for f in theirs["files"])


def test_text_output_shows_control_characters_escaped(docker_client, build_image, capsys):
    image = build_image(SPACED)
    listed = in_container(docker_client, image, "sh", "-c", "for f in /esc*; do printf %s \"$f\"; done")
    assert "\x1b[31m" in listed  # the engine made the name as written
    assert main(["explore", image, "--compare", "stage-studio-test/busybox:latest"]) == 0
    text = capsys.readouterr().out
    assert "\x1b" not in text and "FAKE" in text
    assert "/esc\\x1b[31mRED\\x0aFAKE" in text


def test_visible_escapes_only_what_a_terminal_would_act_on():
    assert visible("plain/ünï 😀 name") == "plain/ünï 😀 name"
    assert visible("a\tb\nc\x1bd\u202ee\x7f") == "a\\x09b\\x0ac\\x1bd\\u202ee\\x7f"


@pytest.mark.parametrize("argv, words", [
    (["explore", ""], "IMAGE is empty"),
    (["explore", "stage-studio-test/busybox:latest", "--compare", ""], "--compare is empty"),
    (["explore", "stage-studio-test/busybox:latest", "--target", "x"], "--target needs --file"),
    (["explore", "UPPER:x"], "the engine refused: "),
])
def test_bad_input_is_one_line_and_exit_2(engine, argv, words, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err and "http" not in err


def test_same_sizes_are_not_called_unchanged(engine, capsys):
    image = "stage-studio-test/busybox:latest"
    client = connect()
    assert explore_image(client.api, image).file_table()  # the image has files to compare
    assert main(["explore", image, "--compare", image]) == 0
    assert "the same paths, each of the same size (contents are not compared)" in capsys.readouterr().out


MARKERS = BASE + ("RUN head -c 777 /dev/urandom > /tmp/foo\n"
                  "RUN echo x > /tmp/.wh.foo\n")


def test_a_file_named_like_a_whiteout_is_named_as_one_the_copy_will_lose(engine, docker_client, build_image,
                                                                        tmp_path):
    """The engine's own whiteouts are empty; a program that writes ``.wh.foo`` makes a file
    that the layer format reads as deleting ``foo``: after a save and a load into another
    engine, neither is there (BuildKit's own containers of the image still show both). The
    classic builder's commit unpacks the layer, and then the engine cannot save the image
    at all: explore fails with the engine's words, as a save does."""
    from tests.engines import configured

    image = build_image(MARKERS)
    if build_image.backend == "classic":
        with pytest.raises(docker.errors.APIError) as ours:
            explore_image(docker_client.api, image)
        with pytest.raises(docker.errors.APIError) as theirs:
            b"".join(docker_client.api.get_image(image))
        assert ".wh.foo" in str(ours.value) and ".wh.foo" in str(theirs.value)
        return
    report = explore_image(docker_client.api, image)
    assert any("writes /tmp/.wh.foo" in w and "deleting /tmp/foo" in w for w in report.warnings)
    other = next((spec for spec in configured() if spec.host != engine.host), None)
    if other is None:
        pytest.fail("this check needs the second engine (./dev engine modern)")
    elsewhere = docker.DockerClient(base_url=other.host)
    archive = b"".join(docker_client.api.get_image(image))
    loaded = elsewhere.images.load(archive)[0]
    try:
        there = elsewhere.containers.run(loaded.id, ["sh", "-c", "ls -a /tmp"], remove=True).decode().split()
        assert "foo" not in there and ".wh.foo" not in there
    finally:
        try:
            elsewhere.api.remove_image(loaded.id, force=True)
        except docker.errors.APIError:
            pass
