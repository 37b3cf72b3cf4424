"""Shared lint examples: for every rule a Dockerfile that triggers it and one that must not."""
from __future__ import annotations

from studio.core.lint import LintConfig

# code -> (positive Dockerfile, negative Dockerfile)
CASES: dict[str, tuple[str, str]] = {
    "instruction-arguments": ("FROM alpine:3\nENV VERSION\n",
                              "FROM alpine:3\nENV VERSION=1 A=\nENV LEGACY some value\n"
                              "ARG a=1 b\nWORKDIR a b\nUSER a b\nSTOPSIGNAL SIGTERM\n"
                              "EXPOSE 80 53/udp 8000-8010 8080:80\nRUN\nCMD\n"
                              "HEALTHCHECK --interval=1m30s --retries=3 CMD [\"true\"]\n"
                              "ONBUILD COPY --from=x /a /b\nSHELL [\"/bin/sh\", \"-c\"]\n"),
    "unknown-flag": ("FROM alpine:3\nCOPY --form=build /a /a\n",
                     "FROM alpine:3\nCOPY --link --chmod=755 --from=b /a /a\n"
                     "RUN --network=none --mount=type=cache,target=/c --mount=type=tmpfs,target=/t x\n"
                     "ARG --odd=1 A\nHEALTHCHECK NONE\n"),
    "mount-target": ("FROM scratch AS base\nFROM base\nRUN --mount=type=cache true\n",
                     "FROM alpine:3 AS bin\nFROM alpine:3\nWORKDIR /w\n"
                     "RUN --mount=from=bin cat hello\nRUN --mount=type=cache,target=/c true\n"),
    "invalid-reference": ("FROM Alpine:3\n",
                          "FROM alpine:3 AS a\nFROM localhost:5000/team/app:1.0@sha256:" + "a" * 64
                          + "\nFROM --platform=linux/arm64/v8 a\nCOPY --from=nginx:1.27 /x /x\n"),
    "StageNameCasing": ("FROM alpine:3 AS Builder\n", "FROM alpine:3 AS builder\n"),
    "FromAsCasing": ("FROM alpine:3 as builder\n", "from alpine:3 as builder\n"),
    "NoEmptyContinuation": ("FROM alpine:3\nRUN echo a \\\n\n  b\n",
                            "FROM alpine:3\nRUN echo a \\\n# a comment is fine\n  b\n"),
    "ConsistentInstructionCasing": ("FROM alpine:3\nRUN a\nrun b\nRUN c\n",
                                    "from alpine:3\nrun a\nrun b\n"),
    "DuplicateStageName": ("FROM alpine:3 AS x\nFROM alpine:3 AS X\n",
                           "FROM alpine:3 AS x\nFROM alpine:3 AS y\n"),
    "ReservedStageName": ("FROM alpine:3 AS context\n", "FROM alpine:3 AS contexts\n"),
    "JSONArgsRecommended": ("FROM alpine:3\nCMD my-app --serve\n",
                            "FROM alpine:3\nSHELL [\"/bin/sh\", \"-c\"]\nCMD my-app --serve\n"),
    "MaintainerDeprecated": ("FROM alpine:3\nMAINTAINER Ada <ada@example.com>\n",
                             "FROM alpine:3\nLABEL org.opencontainers.image.authors=ada\n"),
    "substitution-needs-newer-engine": (
        "ARG IMG=app-dev\nFROM ${IMG%-dev}\nENV A=${B-x}\n",
        "# syntax=docker/dockerfile:1.7\nARG IMG=app-dev\nFROM ${IMG%-dev}\nRUN echo ${IMG%-dev}\n"),
    "UndefinedArgInFrom": ("ARG VERSION=3\nFROM alpine:${VERSON}\n",
                           "ARG VERSION=3\nFROM --platform=$BUILDPLATFORM alpine:${VERSION}\n"),
    "WorkdirRelativePath": ("FROM alpine:3\nWORKDIR app\n",
                            "FROM alpine:3 AS base\nWORKDIR /app\nFROM base\nWORKDIR sub\n"),
    "UndefinedVar": ("ARG foo=1\nFROM alpine:3\nCOPY $foo .\n",
                     "FROM alpine:3\nARG foo\nENV BAR=/x\nCOPY $foo $BAR $PATH .\n"),
    "MultipleInstructionsDisallowed": (
        "FROM alpine:3\nCMD [\"a\"]\nCMD [\"b\"]\n",
        "FROM alpine:3\nHEALTHCHECK CMD [\"check\"]\nCMD [\"a\"]\nFROM alpine:3\nCMD [\"b\"]\n"),
    "LegacyKeyValueFormat": ("FROM alpine:3\nENV DEBUG true\n",
                             "FROM alpine:3\nENV DEBUG=true\nARG a b\n"),
    "RedundantTargetPlatform": ("FROM --platform=$TARGETPLATFORM alpine:3\n",
                                "FROM --platform=$BUILDPLATFORM alpine:3\n"),
    "SecretsUsedInArgOrEnv": ("FROM alpine:3\nARG AWS_SECRET_ACCESS_KEY\n",
                              "FROM alpine:3\nARG PUBLIC_KEY\nENV TOKEN_FILE=/run/t\n"),
    "InvalidDefaultArgInFrom": ("ARG TAG\nFROM busybox:${TAG}\n",
                                "ARG TAG\nARG V\nFROM busybox:stable${V}\nFROM alpine:${TAG:-3}\n"
                                "FROM img-${TARGETARCH}:1\n"),
    "FromPlatformFlagConstDisallowed": (
        "FROM --platform=linux/amd64 alpine:3 AS base\n",
        "FROM --platform=linux/amd64 alpine:3 AS build-amd64\n"),
    "ExposeProtoCasing": ("FROM alpine:3\nEXPOSE 80/TcP\n", "FROM alpine:3\nEXPOSE 80/tcp 53/udp\n"),
    "ExposeInvalidFormat": ("FROM alpine:3\nEXPOSE 127.0.0.1:80:80\n", "FROM alpine:3\nEXPOSE 80\n"),
    "unused-stage": (
        "FROM alpine:3 AS a\nFROM alpine:3 AS orphan\nFROM a\n",
        "FROM alpine:3 AS a\nFROM alpine:3 AS test\nFROM alpine:3 AS b\nCOPY --from=b /x /x\n"
        "FROM a\nCOPY --from=b /x /y\n"),
    "heavy-final-image": (
        "FROM golang:1.22\nRUN go build -o /app .\n",
        "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine:3.20\n"
        "COPY --from=build /app /app\n"),
    "copy-from-index": ("FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=0 /a /a\n",
                        "FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=build /a /a\n"),
    "copy-whole-directory": (
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o bin/app\n"
        "FROM alpine:3.20\nCOPY --from=build /src /app\n",
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o bin/app\n"
        "FROM alpine:3.20\nCOPY --from=build /src/bin/app /app/app\n"),
    "package-cache": ("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
                      "FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n"
                      " && rm -rf /var/lib/apt/lists/*\nRUN apk add curl\n"
                      "RUN pip install --no-cache-dir flask\n"),
    "AptUpdateInSeparateRun": ("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
                               "FROM debian:12 AS build\nRUN apt-get update\nRUN apt-get install -y gcc\n"
                               "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl "
                               "&& rm -rf /var/lib/apt/lists/*\n"),
    "AptInstallRecommends": ("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
                             "FROM debian:12\nRUN apt-get update && apt-get install -y "
                             "--no-install-recommends curl\n"),
    "ApkAddWithoutNoCache": ("FROM alpine:3\nRUN apk add curl\n",
                             "FROM alpine:3 AS b\nRUN apk add gcc\nFROM alpine:3\n"
                             "RUN apk add --no-cache curl\n"
                             "RUN --mount=type=cache,target=/var/cache/apk apk add git\n"),
    "CdInsteadOfWorkdir": ("FROM alpine:3\nRUN cd /src && make\n",
                           "FROM alpine:3\nWORKDIR /src\nRUN make && cd /tmp && rm -rf x\n"
                           "RUN cd $HOME && ls\n"),
    "PipeWithoutPipefail": ("FROM alpine:3\nRUN wget -qO- https://x/y.tgz | tar xz\n",
                            "FROM debian:12\nRUN set -o pipefail && a | b\nRUN a || b\n"
                            "RUN echo 'a | b'\nFROM debian:12\n"
                            "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n"),
    "ConsecutiveRunInstructions": ("FROM alpine:3\nRUN apk add --no-cache curl\nRUN curl --version\n",
                                   "FROM alpine:3 AS build\nRUN a\nRUN b\nFROM alpine:3\n"
                                   "RUN a\nCOPY --from=build /x /x\nRUN b\n"),
    "UseraddWithoutNoLogInit": ("FROM debian:12\nRUN useradd -u 100000 app\n",
                                "FROM debian:12\nRUN useradd -l -u 100000 app\n"
                                "RUN useradd --no-log-init -u 200000 b && useradd -u 1000 c\n"),
    "FinalUserRoot": ("FROM alpine:3\nUSER app\nUSER root\nCMD [\"x\"]\n",
                      "FROM alpine:3 AS build\nUSER root\nFROM alpine:3\nUSER root\n"
                      "RUN adduser -D app\nUSER app\n"),
    "MistypedStageName": ("FROM golang:1.22 AS build\nFROM alpine:3\nCOPY --from=biuld /app /app\n",
                          "FROM golang:1.22 AS build\nFROM node:20 AS nodes\nFROM alpine:3\n"
                          "COPY --from=build /app /app\nCOPY --from=nginx:1.27 /x /x\n"
                          "FROM node\nCOPY --from=bulid-cache/x:1 /y /y\n"),
    "UntrustedRegistry": ("FROM quay.io/someone/base:1.0\n",
                          "FROM alpine:3 AS a\nFROM docker.io/library/debian:12\nFROM a\n"
                          "COPY --from=nginx:1.27 /x /x\n"),
    "add-instead-of-copy": ("FROM alpine:3\nADD app.conf /etc/app.conf\n",
                            "FROM alpine:3\nADD https://example.com/a.txt /a.txt\n"
                            "ADD rootfs.tar.gz /\nCOPY app.conf /etc/\n"),
    "needs-newer-frontend": ("FROM alpine:3\nCOPY --exclude=*.md . /src\n"
                             "RUN --mount=type=secret,id=t,env=T true\n",
                             "# syntax=docker/dockerfile:1-labs\nFROM alpine:3\nCOPY --exclude=*.md . /src\n"
                             "RUN --mount=type=secret,id=t,env=T --network=none true\nCOPY --link a /a\n"),
    "unpinned-base-image": ("FROM alpine\nFROM node:latest\n",
                            "FROM alpine:3.20 AS a\nFROM scratch\nFROM a\n"
                            "FROM alpine@sha256:" + "a" * 64 + "\n"),
    "secret-via-build-arg": ("FROM node:20-slim\nARG NPM_TOKEN\nRUN npm ci --token=$NPM_TOKEN\n",
                             "FROM node:20-slim\nARG NPM_TOKEN\nRUN npm ci\n"),
    "cleanup-in-later-layer": ("FROM debian:12\nRUN apt-get update && apt-get install -y gcc\n"
                               "RUN rm -rf /var/lib/apt/lists/*\n",
                               "FROM debian:12\nRUN apt-get update && apt-get install -y gcc \\\n"
                               " && rm -rf /var/lib/apt/lists/*\n"),
}



# Rules that need a project setting to say anything: the setting their cases run with.
CONFIGS: dict[str, LintConfig] = {
    "UntrustedRegistry": LintConfig(trusted_registries=["docker.io"]),
}
