"""What lint knows about well-known base images: which are heavy build toolchains, and
how to read an image reference's name and tag."""
from __future__ import annotations

import re


def split_ref(ref: str) -> tuple[str, str | None, str | None]:
    """(repository, tag, digest) of an image reference, e.g. ``golang:1.22-alpine``."""
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    tag = None
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref, tag = ref.rsplit(":", 1)
    return ref, tag, digest


def short_name(repository: str) -> str:
    """``docker.io/library/node`` -> ``node``; ``mcr.microsoft.com/dotnet/sdk`` -> ``dotnet/sdk``."""
    parts = repository.lower().split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts and parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts)


# name -> (what it carries, family); "runtime" families have a slim variant worth using
_COMPILED = {
    "golang": "the Go toolchain", "rust": "the Rust toolchain", "gcc": "the GCC toolchain",
    "maven": "Maven and a full JDK", "gradle": "Gradle and a full JDK",
    "buildpack-deps": "compilers and development headers", "dotnet/sdk": "the .NET SDK",
    "clang": "the Clang toolchain", "haskell": "the GHC toolchain",
}
_JDK = ("openjdk", "eclipse-temurin", "amazoncorretto", "ibm-semeru-runtimes", "sapmachine")
_RUNTIMES = {"node": "Node.js with build tools", "python": "Python with compilers and headers",
             "ruby": "Ruby with compilers and headers"}


def heavy_image(ref: str) -> tuple[str, str] | None:
    """If ``ref`` is a heavy build image: (what it carries, advice naming a lighter base);
    else None."""
    repo, tag, _ = split_ref(ref)
    name = short_name(repo)
    tag = (tag or "latest").lower()
    version = re.match(r"^\d+(?:\.\d+)*", tag)
    if name in _COMPILED:
        return _COMPILED[name], ("build in a separate stage and copy only the result into a "
                                 "small runtime image (alpine, distroless or scratch)")
    if name in _JDK or name.endswith("/openjdk"):
        if "jre" in tag:
            return None
        major = version.group().split(".")[0] if version else "21"
        return "a full JDK", (f"run on a JRE image (e.g. eclipse-temurin:{major}-jre) and "
                              "build in a separate stage")
    if name in _RUNTIMES:
        if "slim" in tag or "alpine" in tag:
            return None
        slim = f"{name}:{version.group()}-slim" if version else f"{name}:<version>-slim"
        return _RUNTIMES[name], (f"run on {slim} and build what needs compilers in a "
                                 "separate stage")
    return None


_BUILD_TOOLS = re.compile(
    r"\b(build-essential|build-base|gcc|g\+\+|clang|cmake|make|autoconf|"
    r"\"Development Tools\"|'Development Tools')\b")
_INSTALL = re.compile(r"\b(apt-get|apt|apk|yum|dnf|microdnf)\b[^;&|]*\b(install|add|groupinstall)\b")


def installs_build_tools(command: str) -> bool:
    """Whether a RUN command installs a compiler toolchain (build-essential and friends)."""
    for m in _INSTALL.finditer(command):
        tail = command[m.start():]
        segment = re.split(r"&&|;|\|\|", tail, maxsplit=1)[0]
        if _BUILD_TOOLS.search(segment):
            return True
    return False
