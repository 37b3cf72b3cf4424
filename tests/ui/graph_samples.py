"""Dockerfiles shared by the graph tests, frozen here so edits to the gallery
examples never move the line numbers the tests check, and the view they are shown in."""

# The shared "build-essential -> foo/bar -> final" shape (issue 5's example).
BUILD_ESSENTIAL = """\
# One shared builder base, two compile stages, one small final image.
#
# "build-essential" installs the C toolchain once. "foo" and "bar" both start FROM it
# (BuildKit builds them in parallel), and the final stage copies just the two
# binaries out of them into a small alpine image.
FROM debian:bookworm-slim AS build-essential
RUN apt-get update \\
 && apt-get install -y --no-install-recommends build-essential \\
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

FROM build-essential AS foo
COPY foo/ ./
RUN make foo

FROM build-essential AS bar
COPY bar/ ./
RUN make bar

FROM alpine:3.20
COPY --from=foo /src/foo /usr/local/bin/foo
COPY --from=bar /src/bar /usr/local/bin/bar
CMD ["foo"]
"""

GO = """\
ARG GO_VERSION=1.22

FROM golang:${GO_VERSION}-alpine AS build-env
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM alpine:3.20
RUN apk add --no-cache ca-certificates
COPY --from=build-env /out/app /usr/local/bin/app
USER nobody
ENTRYPOINT ["/usr/local/bin/app"]
"""


def shown_view(qtbot, width: int = 1100, height: int = 700):
    """A GraphView on screen (offscreen), ready for mouse and key events."""
    from studio.ui.graph.view import GraphView

    view = GraphView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view
