"""``stage-studio edit`` designs whole Dockerfiles: the gallery's classic examples built
from an empty file with the design ops alone, and each op's headless form."""
from __future__ import annotations

from importlib.resources import files

import dockerfile
import pytest

from studio.cli import main
from studio.core import parse
from studio.core.render import graph_shape

EXAMPLES = files("studio.resources").joinpath("examples")

GO_BUILD_ENV = [
    "--add-instruction", "=ARG GO_VERSION=1.22",
    "--add-stage", "build-env=golang:${GO_VERSION}-alpine",
    "--add-instruction", "build-env=WORKDIR /src",
    "--add-instruction", "build-env=COPY go.mod go.sum ./",
    "--add-instruction", "build-env=RUN go mod download",
    "--add-instruction", "build-env=COPY . .",
    "--add-instruction", "build-env=RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app",
    "--add-stage", "=alpine:3.20",
    "--add-instruction", "1=RUN apk add --no-cache ca-certificates",
    "--add-instruction", "1=COPY --from=build-env /out/app /usr/local/bin/app",
    "--add-instruction", "1=USER nobody",
    "--add-instruction", '1=ENTRYPOINT ["/usr/local/bin/app"]',
]

# foo is designed once, duplicated as bar and changed; the final stage is put first
# and its lines added out of order (positions).
BUILD_ESSENTIAL = [
    "--add-stage", "build-essential=debian:bookworm-slim",
    "--add-instruction", "build-essential=RUN apt-get update\n&& apt-get install -y --no-install-recommends "
    "build-essential\n&& rm -rf /var/lib/apt/lists/*",
    "--add-instruction", "build-essential=WORKDIR /src",
    "--add-stage", "foo=build-essential",
    "--add-instruction", "foo=COPY foo/ ./",
    "--add-instruction", "foo=RUN make foo",
    "--duplicate-stage", "foo=bar",
    "--set-instruction", "12=COPY bar/ ./",
    "--set-instruction", "13=RUN make bar",
    "--add-stage", "=alpine:3.20",
    "--add-instruction", '3=CMD ["foo"]',
    "--add-instruction", "3@0=COPY --from=foo /src/foo /usr/local/bin/foo",
    "--add-instruction", "3@1=COPY --from=bar /src/bar /usr/local/bin/bar",
]


def run(capsysbinary, argv: list[str]) -> tuple[int, str, str]:
    rc = main(argv)
    out = capsysbinary.readouterr()
    return rc, out.out.decode("utf-8"), out.err.decode("utf-8")


@pytest.mark.parametrize("ops, example", [(GO_BUILD_ENV, "go-build-env.Dockerfile"),
                                          (BUILD_ESSENTIAL, "build-essential-foo-bar.Dockerfile")])
def test_design_a_gallery_example_from_an_empty_file(tmp_path, capsysbinary, ops, example):
    empty = tmp_path / "Dockerfile"
    empty.write_bytes(b"")
    rc, out, err = run(capsysbinary, ["edit", str(empty), *ops])
    assert rc == 0, err
    hand_written = EXAMPLES.joinpath(example).read_text(encoding="utf-8")
    assert graph_shape(parse(out)) == graph_shape(parse(hand_written))
    # BuildKit's parser reads the same instructions from both (continuations may be
    # indented differently)
    def oracle(text):
        return [(c.cmd, c.flags, tuple(" ".join(v.split()) for v in c.value)) for c in dockerfile.parse_string(text)]

    assert oracle(out) == oracle(hand_written)


def test_new_instruction_follows_the_file(tmp_path, capsysbinary):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"# escape=`\r\nfrom busybox as b\r\n  run a `\r\n      && b\r\n")
    rc, out, err = run(capsysbinary, ["edit", str(path), "--add-instruction", "b=Run x\n&& y",
                                      "--set-instruction", "3=RUN a && c"])
    assert rc == 0, err
    assert out == "# escape=`\r\nfrom busybox as b\r\n  run a && c\r\n  run x `\r\n      && y\r\n"


def test_refactorings_round_trip_on_the_offline_pair(tmp_path, capsysbinary):
    single = EXAMPLES.joinpath("offline-demo.single.Dockerfile").read_text(encoding="utf-8")
    path = tmp_path / "Dockerfile"
    path.write_text(single, encoding="utf-8")
    rc, out, err = run(capsysbinary, ["edit", str(path), "--extract-stage", "12-15=build:/out/"])
    assert rc == 0, err
    shape = graph_shape(parse(out))
    assert [s["name"] for s in shape["stages"]] == ["build", None]
    assert shape["stages"][0]["instructions"] == [
        "WORKDIR /src", "COPY . .", "RUN mkdir -p /toolchain && dd if=/dev/zero of=/toolchain/compiler bs=1024 "
        "count=8192", "RUN sh build.sh /out", "RUN rm -rf /toolchain"]
    assert shape["stages"][1]["instructions"] == [
        "WORKDIR /src", "COPY --from=build /out/ /out/", 'CMD ["cat", "/out/greeting.txt"]']
    path.write_text(out, encoding="utf-8")
    rc, back, err = run(capsysbinary, ["edit", str(path), "--inline-stage", "build"])
    assert rc == 0, err
    assert graph_shape(parse(back))["stages"][0]["instructions"] == \
        graph_shape(parse(single))["stages"][0]["instructions"]
    path.write_text(single, encoding="utf-8")
    rc, slim, err = run(capsysbinary, ["edit", str(path), "--slim-stage", "scratch,/bin/busybox,/out/"])
    assert rc == 0, err
    last = graph_shape(parse(slim))["stages"][-1]
    assert last["base"] == "scratch" and last["instructions"] == [
        "WORKDIR /src", "COPY --from=build /bin/busybox /bin/busybox", "COPY --from=build /out/ /out/",
        'CMD ["cat", "/out/greeting.txt"]']


SMALL = "FROM alpine AS a\nRUN x\n\nFROM alpine AS b\nRUN y\n\nFROM busybox\nCOPY --from=a /o /o\n"


@pytest.mark.parametrize("argv, expected", [
    (["--remove-instruction", "2"], "FROM alpine AS a\n\nFROM alpine AS b\n"),
    (["--duplicate-instruction", "2"], "FROM alpine AS a\nRUN x\nRUN x\n"),
    (["--repoint", "8=b"], "COPY --from=b /o /o\n"),
    (["--insert-stage", "mid=alpine@b"], "FROM alpine AS mid\n\nFROM mid AS b\n"),
    (["--duplicate-stage", "a=a2"], "FROM alpine AS a\nRUN x\n\nFROM alpine AS a2\nRUN x\n\nFROM alpine AS b\n"),
])
def test_each_op_from_the_command_line(tmp_path, capsysbinary, argv, expected):
    path = tmp_path / "Dockerfile"
    path.write_text(SMALL, encoding="utf-8")
    rc, out, err = run(capsysbinary, ["edit", str(path), *argv])
    assert rc == 0, err
    assert expected in out


@pytest.mark.parametrize("argv, message", [
    (["--repoint", "8=2"], "cannot use itself"),
    (["--repoint", "2=b"], "cannot use 'b' (line 4), which comes after it"),
    (["--add-instruction", "a=FROM x"], "a FROM starts a new stage"),
    (["--add-instruction", "a=BUILD x"], "'BUILD' is not a Dockerfile instruction"),
    (["--add-instruction", "a=COPY --from=a /x /y"], "cannot copy from itself"),
    (["--set-instruction", "1=RUN x"], "cannot become a FROM or stop being one"),
    (["--remove-instruction", "1"], "remove the stage instead"),
    (["--insert-stage", "mid=busybox@b"], "built FROM 'alpine', not 'busybox'"),
    (["--extract-stage", "2-2=a:/o"], "already exists"),
    (["--inline-stage", "b"], "no stage uses stage 'b'"),
    (["--inline-stage", "a"], "stage a is built FROM 'alpine' and #2 FROM 'busybox'"),
    (["--slim-stage", "alpine"], "expected [STAGE=]IMAGE,PATH"),
])
def test_refusals_name_the_reason_and_change_nothing(tmp_path, capsysbinary, argv, message):
    path = tmp_path / "Dockerfile"
    path.write_text(SMALL, encoding="utf-8")
    rc, out, err = run(capsysbinary, ["edit", str(path), *argv, "--in-place"])
    assert rc == 1 and out == ""
    assert message in err
    assert path.read_text(encoding="utf-8") == SMALL
