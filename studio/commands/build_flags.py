"""``docker build``'s own way of being called, for ``stage-studio build``: ``-f FILE`` with
the context as the argument (``build -f app.Dockerfile .``), a folder as the argument
(its ``Dockerfile``), and the flags users reach for: ``--network``, ``--add-host``,
``--ulimit``, ``--shm-size``, ``--pull``, ``--iidfile``, ``--quiet``.

The older form, ``build FILE [--context DIR]``, keeps working: an argument that is a file
is the Dockerfile.
"""
from __future__ import annotations

import argparse
import errno
import os
import re
import stat
import sys
from pathlib import Path

from studio.engine.build_options import NETWORK_MODES, parse_add_host, parse_network, parse_size, parse_ulimit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", "-f", metavar="FILE", dest="dockerfile",
                        help="the Dockerfile ('-' reads standard input); the argument is then the context, "
                        "as in docker build -f FILE DIR (a relative FILE is taken from the current folder)")
    parser.add_argument("--network", metavar="MODE", help=f"network for RUN steps: {', '.join(NETWORK_MODES)}")
    parser.add_argument("--add-host", metavar="HOST:IP", action="append",
                        help="add a line to /etc/hosts in RUN steps (repeatable)")
    parser.add_argument("--ulimit", metavar="NAME=SOFT[:HARD]", action="append",
                        help="resource limit for RUN steps, e.g. nofile=1024:2048 (repeatable)")
    parser.add_argument("--shm-size", metavar="SIZE", help="size of /dev/shm in RUN steps, e.g. 64m")
    parser.add_argument("--pull", action="store_true", help="always ask the registry for newer base images")
    parser.add_argument("--iidfile", metavar="FILE", help="write the image id to FILE")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="print only the image id (errors still go to standard error)")


def dockerfile_and_context(args: argparse.Namespace) -> tuple[str, str | None]:
    """``(Dockerfile path or '-', context folder or None)`` from either form; ValueError
    says what is wrong. None: the context is the Dockerfile's folder (none for '-')."""
    positional, given = args.file, args.dockerfile
    if given is not None:
        if positional is None:
            raise ValueError("with -f, give the context as the argument, as docker build does (e.g. -f FILE .)")
        if args.context is not None:
            raise ValueError("the context is given twice: as the argument and as --context")
        if positional == "-":
            raise ValueError("a build context from standard input is not supported; give a folder")
        if not Path(positional).is_dir():
            raise ValueError(f"the build context {positional!r} is not a folder")
        return given if given == "-" else os.path.abspath(given), positional
    if positional is None:
        raise ValueError("give the Dockerfile or a context folder (or '-' for standard input)")
    if positional != "-" and Path(positional).is_dir():
        if args.context is not None:
            raise ValueError("the context is given twice: as the argument and as --context")
        folder = Path(positional)
        found = folder / "Dockerfile"
        if not found.exists() and (folder / "dockerfile").exists():  # the CLI's second guess
            found = folder / "dockerfile"
        return str(found), positional
    return positional, args.context


def request_options(args: argparse.Namespace) -> dict:
    """BuildRequest fields for the docker build flags; OptionError for a bad value."""
    options: dict = {"pull": bool(args.pull)}
    if args.network is not None:
        options["network"] = parse_network(args.network)
    options["extra_hosts"] = [parse_add_host(v) for v in args.add_host or []]
    options["ulimits"] = [parse_ulimit(v) for v in args.ulimit or []]
    if args.shm_size is not None:
        options["shm_size"] = parse_size(args.shm_size)
    if args.quiet and args.json:
        raise ValueError("--quiet and --json both choose what is printed; use one")
    if getattr(args, "tag", None) is not None:
        check_tag(args.tag)
    if getattr(args, "platform", None) is not None:
        args.platform = resolve_platform(args.platform)
        note = check_platform(args.platform)
        if note:
            print(f"stage-studio build: warning: {note}", file=sys.stderr)
    return options


# the image reference grammar the engine parses -t with (github.com/distribution/reference:
# regexp.go, normalize.go), as the newer versions have it; where Docker 20.10 refuses more
# (an uppercase first part that is taken as a registry, an IPv6 registry, a name of 238-255
# characters: it counts "docker.io/" in), the engine says so itself, at once
_ALNUM = r"[a-z0-9]+"
_PATH_PART = rf"{_ALNUM}(?:(?:[._]|__|-+){_ALNUM})*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_PART}(?:/{_PATH_PART})*"
_REFERENCE = re.compile(rf"({_NAME})(?::(\w[\w.-]{{0,127}}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*"
                        r":[0-9a-fA-F]{32,}))?", re.ASCII)


def check_tag(value: str) -> None:
    """ValueError, naming -t, for a name the engine refuses (as docker build refuses it while
    reading its flags): NAME[:TAG], where NAME is [REGISTRY/]PATH, lowercase."""
    def bad(why: str) -> ValueError:
        return ValueError(f"-t/--tag {value!r}: {why}")

    if value == "":
        raise bad("the name is empty")
    if re.fullmatch(r"[a-f0-9]{64}", value):
        raise bad("64 hexadecimal digits are an image id, not a name")
    first, slash, rest = value.partition("/")
    if not slash or ("." not in first and ":" not in first and first != "localhost" and first.lower() == first):
        domain, remainder = "docker.io", value  # a name on Docker Hub: its first part is no registry
    else:
        domain, remainder = first, rest
    if domain in ("docker.io", "index.docker.io") and "/" not in remainder:
        remainder = "library/" + remainder
    path = remainder.partition(":")[0]
    if path.lower() != path:
        raise bad("the repository name must be lowercase")
    match = _REFERENCE.fullmatch(f"{domain}/{remainder}")
    if match is None:
        raise bad("not a valid image name: [REGISTRY/]NAME[:TAG], the name in lowercase letters, digits and "
                  "separators (. _ __ -), the tag up to 128 letters, digits, _ . - (not starting with . or -)")
    if match.group(3) is not None:
        raise bad("a build tag cannot contain a digest (@...)")
    if len(match.group(1)) - len(domain) - 1 > 255:
        raise bad("the repository name is longer than 255 characters")


# containerd's platforms.Parse, which the engine runs on --platform before anything else
# (vendored in moby: github.com/containerd/platforms, platforms.go and database.go). What
# every version refuses is refused here; where versions differ (an OS version such as
# ``windows(10.0.17763)``, a dot in the architecture: newer ones take them, Docker 20.10
# takes neither) the engine says so itself, at once.
_OS_PART = re.compile(r"^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.-]*)\))?$")
_PART = re.compile(r"^[A-Za-z0-9_.-]+$")
KNOWN_OS = frozenset("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 "
                     "solaris windows zos".split())
KNOWN_ARCH = frozenset("386 amd64 amd64p32 arm armbe arm64 arm64be ppc64 ppc64le loong64 mips mipsle mips64 "
                       "mips64le mips64p32 mips64p32le ppc riscv riscv64 s390 s390x sparc sparc64 wasm".split())
_ARCH_ALIASES = {"i386": "386", "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm",
                 "armel": "arm"}


def resolve_platform(value: str) -> str:
    """``local`` as docker build with BuildKit and buildx take it: this machine's own platform
    (the engine itself refuses the word: "unknown operating system or architecture"); any
    other value as given."""
    if value != "local":
        return value
    import platform

    machine = platform.machine().lower()
    arch = _MACHINES.get(machine, _ARCH_ALIASES.get(machine, machine))
    return f"{'darwin' if sys.platform == 'darwin' else sys.platform.rstrip('0123456789')}/{arch}"


# Linux's ``uname -m`` names for the architectures (and ARM variants) Go calls otherwise
_MACHINES = {"armv5l": "arm/v5", "armv6l": "arm/v6", "armv7l": "arm/v7", "armv8l": "arm/v7", "i686": "386",
             "i586": "386", "mips": "mips", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}


def check_platform(value: str) -> str | None:
    """ValueError for a --platform the engine's parser refuses (in its words: the engine
    answers "400 Bad Request" before building); for an os/arch it parses but does not know
    (``linux/zz``: it builds FROM scratch, then asks the registry for base images of that
    architecture), a warning to print; else None."""
    def bad(why: str) -> ValueError:
        return ValueError(f"--platform {value!r}: {why} (expected OS/ARCH[/VARIANT], e.g. linux/amd64, "
                          "or just the OS or the architecture)")

    if any(ch.isspace() or not ch.isprintable() for ch in value):  # a trailing newline too
        return _raise(bad("it contains a space or a control character"))
    if "*" in value:
        return _raise(bad("wildcards are not supported"))
    if "," in value:  # docker build's own list form: the engine builds one platform per build
        raise ValueError(f"--platform {value!r}: one platform only; a build makes one image, for one platform "
                         "(the engine refuses a list too): build once per platform")
    parts = value.split("/", 3)
    if len(parts) > 3:
        return _raise(bad("too many parts"))
    os_match = _OS_PART.fullmatch(parts[0])  # (match with $ took 'amd64' and a newline)
    if os_match is None:
        return _raise(bad(f"{parts[0]!r} is not an operating system name (letters, digits, _ and -)"))
    for part in parts[1:]:
        if not _PART.fullmatch(part):
            return _raise(bad(f"{part!r} is not an architecture or variant name (letters, digits, _, . and -)"
                              if part else "a part is empty"))
    os_name = os_match.group(1).lower().replace("macos", "darwin")
    if len(parts) == 1:
        arch = _ARCH_ALIASES.get(parts[0].lower(), parts[0].lower())
        if os_name in KNOWN_OS or arch in KNOWN_ARCH:
            return None
        return _raise(bad("not an operating system or an architecture the engine knows"))
    arch = _ARCH_ALIASES.get(parts[1].lower(), parts[1].lower())
    unknown = [f"{what} {name!r}" for what, name, known in (("operating system", os_name, KNOWN_OS),
                                                            ("architecture", arch, KNOWN_ARCH)) if name not in known]
    if unknown:
        return (f"--platform {value!r}: the {' and the '.join(unknown)} is not one the engine knows; it takes it, "
                "but base images are then looked for in the registry for that platform")
    return None


def _raise(exc: ValueError):
    raise exc


def forget_old_iidfile(args: argparse.Namespace, secrets: list | tuple = ()) -> None:
    """As docker build: a stale id file goes first, so a failed build leaves none. Unlike
    docker, whatever keeps the id from being written is found now, before the build, and
    is a ValueError: a folder (docker deletes an empty one, and builds then fails on a full
    one), a folder that does not exist or cannot take a new file (docker builds, then fails
    to write), the Dockerfile being built or a ``--secret`` source (docker replaces them
    with the id), the file on standard input. A FIFO or a character device (``/dev/stdout``)
    is written into, never removed; so is the file standard output or error is redirected to. A symlink is
    never replaced (docker replaces it with a file: ``--iidfile /dev/stdout`` as root deleted
    the system's /dev/stdout): the file it points to gets the id at the end, atomically, and
    keeps its old content until then."""
    if not args.iidfile:
        return
    name = args.iidfile
    link = False
    try:
        link = stat.S_ISLNK(os.lstat(name).st_mode)
        seen = os.stat(name)
    except FileNotFoundError:
        seen = None  # a new file, or a symlink to one
    except OSError as exc:
        raise ValueError(f"--iidfile {name}: {exc.strerror or exc}") from None
    _refuse_the_dockerfile(args)
    _refuse_a_secret(args, seen, secrets)
    if seen is not None and stat.S_ISDIR(seen.st_mode):
        raise ValueError(f"--iidfile {name} is a folder; give the name of a file to write the image id to")
    if seen is not None and (stat.S_ISFIFO(seen.st_mode) or stat.S_ISCHR(seen.st_mode)):
        return  # written through at the end, as `> /dev/stdout` would be
    if seen is not None and not stat.S_ISREG(seen.st_mode):
        raise ValueError(f"--iidfile {name} is not a regular file")
    stream = _standard_stream(seen)
    if stream == 0:
        raise ValueError(f"--iidfile {name} is the file on standard input; writing the image id there would "
                         "replace it")
    if stream is not None:
        return  # written into that stream at the end, as `> /dev/stdout` would be
    if link:
        _check_link_target(name, seen)
        return
    try:
        os.remove(name)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ValueError(f"--iidfile {name}: cannot remove the old file ({exc.strerror or exc})") from None
    folder = os.path.dirname(name) or "."
    try:  # can the folder take the file? (a read-only folder, or one that is not there)
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileNotFoundError:
        raise ValueError(f"--iidfile {name}: the folder {folder} does not exist") from None
    except OSError as exc:
        raise ValueError(f"--iidfile {name}: cannot create it in {folder} ({exc.strerror or exc})") from None
    os.close(fd)
    os.remove(name)


def _standard_stream(seen: os.stat_result | None) -> int | None:
    """0, 1 or 2 when the regular file ``seen`` is the one open as standard input, output or
    error (``/dev/stdout`` -> /proc/self/fd/1 with ``> out.txt``), else None."""
    if seen is None or not stat.S_ISREG(seen.st_mode):
        return None
    for fd in (0, 1, 2):
        try:
            held = os.fstat(fd)
        except OSError:
            continue
        if os.path.samestat(held, seen):
            return fd
    return None


def _check_link_target(name: str, seen: os.stat_result | None) -> None:
    """ValueError when the file a symlink points to cannot take the id at the end: it is
    read-only, or its folder is missing or cannot take the temporary file of the atomic save."""
    target = os.path.realpath(name)
    folder = os.path.dirname(target) or "."
    if seen is not None and (not seen.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise ValueError(f"--iidfile {name}: the file it links to, {target}, is read-only")
    if not os.path.isdir(folder):
        raise ValueError(f"--iidfile {name}: it links to {target}, and the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"--iidfile {name}: it links to {target}, and the folder {folder} cannot take a new "
                         "file (Permission denied)")


def _refuse_a_secret(args: argparse.Namespace, seen: os.stat_result | None, secrets) -> None:
    """ValueError when the id file is a ``--secret`` source file, by any name: the id would
    replace the secret (docker build deletes it, then fails to read it)."""
    if seen is None or not stat.S_ISREG(seen.st_mode):
        return
    for spec in secrets:
        source = getattr(spec, "src", None)
        if not source:
            continue
        try:
            read = os.stat(source)
        except OSError:
            continue
        if os.path.samestat(read, seen):
            same = "" if source == args.iidfile else f" (the same file as {source})"
            raise ValueError(f"--iidfile {args.iidfile} is the source of --secret id={spec.id}{same}; writing the "
                             "image id there would replace the secret")


def _refuse_the_dockerfile(args: argparse.Namespace) -> None:
    """ValueError when the id file is the Dockerfile being built, by any name (a hard link,
    a symlink, -f through a symlink, standard input redirected from it): docker build deletes
    it, or the link to it, and writes the id in its place; ``export`` refuses the same."""
    try:
        written = os.stat(args.iidfile)
        dockerfile, _context = dockerfile_and_context(args)
        read = os.fstat(0) if dockerfile == "-" else os.stat(dockerfile)
    except (OSError, ValueError):
        return  # a new file, or a Dockerfile the reading reports
    if stat.S_ISREG(read.st_mode) and os.path.samestat(written, read):
        shown = args.dockerfile or dockerfile
        same = " (standard input)" if dockerfile == "-" else "" if shown == args.iidfile else \
            f" (the same file as {shown})"
        raise ValueError(f"--iidfile {args.iidfile} is the Dockerfile being built{same}; writing the image id "
                         "there would replace it")


def write_iidfile(args: argparse.Namespace, image_id: str | None) -> str | None:
    """Write the id (no newline, as docker writes it); the reason when that failed (the
    folder changed during the build, a FIFO that nothing reads now), else None. Unlike
    docker, which replaces a FIFO with a regular file, the id goes through the FIFO to its
    reader; with no reader, the command says so instead of waiting for one. A symlink stays:
    the file it points to is replaced atomically (studio.core.files.atomic_write_bytes)."""
    if not (args.iidfile and image_id):
        return None
    name, data = args.iidfile, image_id.encode("ascii")
    try:
        link = os.path.islink(name)
        seen = os.stat(name)
    except OSError:
        seen = None
    stream = _standard_stream(seen)
    if stream in (1, 2) or (link and (seen is None or stat.S_ISREG(seen.st_mode))):
        try:
            if stream in (1, 2):  # the file standard output (or error) goes to: into it, after what came before
                (sys.stdout if stream == 1 else sys.stderr).flush()
                os.write(stream, data)
            else:  # a symlink stays; the file it points to is replaced atomically
                from studio.core.files import atomic_write_bytes

                atomic_write_bytes(name, data)
        except OSError as exc:
            return f"built {image_id}, but could not write it to --iidfile {name} ({exc.strerror or exc})"
        return None
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOCTTY", 0)
    try:
        fifo = stat.S_ISFIFO(os.stat(args.iidfile).st_mode)
    except OSError:
        fifo = False
    if fifo:  # opened without waiting: a FIFO nothing reads would hang the command, silently
        flags |= os.O_NONBLOCK
    try:
        fd = os.open(args.iidfile, flags, 0o666)
        try:
            if os.write(fd, data) != len(data):
                raise OSError(0, "the reader took only part of it")
        finally:
            os.close(fd)
    except OSError as exc:
        if fifo and exc.errno == errno.ENXIO:
            return f"built {image_id}, but nothing reads the FIFO --iidfile {args.iidfile}, so the id was not written"
        return f"built {image_id}, but could not write it to --iidfile {args.iidfile} ({exc.strerror or exc})"
    return None
