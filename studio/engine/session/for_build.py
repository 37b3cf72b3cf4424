"""What a build serves through its session: which folders, which overrides, which secrets.

The engine asks for two folders by name, as it does of the docker CLI: ``context`` (the
build context, filtered by the .dockerignore patterns it sends) and ``dockerfile`` (the
Dockerfile and its ``<name>.dockerignore``). The ``dockerfile`` folder here exists only in
memory and holds the text being built, so:
- the Dockerfile never enters the context unless it is really there (``COPY .`` carries
  exactly what ``docker build`` would);
- unsaved editor text is built as shown, and inside the context it replaces the file at
  its own path, so ``COPY .`` sees what it would after a save.
"""
from __future__ import annotations

import os
from pathlib import Path

from studio.core.files import is_save_temp
from studio.engine.session.filesync import SyncedDir
from studio.engine.session.secrets import SecretSpec
from studio.engine.session.session import BuildSession, shared_key
from studio.engine.session.sshforward import SshSpec

DOCKERFILE = "Dockerfile"


def _skip(rel: str) -> bool:
    return is_save_temp(rel.rsplit("/", 1)[-1])


def dockerfile_name(dockerfile_path: str | None) -> str:
    return os.path.basename(dockerfile_path) if dockerfile_path else DOCKERFILE


def build_session(context_dir: str | None, text: str, dockerfile_path: str | None,
                  secret_specs: list[SecretSpec] | None = None, ssh_specs: list[SshSpec] | None = None,
                  send_context: bool = True) -> BuildSession:
    """A session (not yet started) that serves this build's folders and secrets."""
    name = dockerfile_name(dockerfile_path)
    data = text.encode("utf-8")
    dockerfile_dir = SyncedDir(None, {name: data})
    if dockerfile_path:
        ignore = Path(f"{dockerfile_path}.dockerignore")
        try:
            dockerfile_dir.overrides[f"{name}.dockerignore"] = ignore.read_bytes()
        except OSError:
            pass  # none (or unreadable: the context's own .dockerignore then applies, as in the CLI)
    if context_dir and send_context:
        context = SyncedDir(Path(context_dir), skip=_skip)
        inside = _inside(dockerfile_path, context_dir)
        if inside is not None and _differs(dockerfile_path, data):
            context.overrides[inside] = data
    else:
        context = SyncedDir(None)  # `build -` without --context: an empty context, as docker build -
    return BuildSession({"context": context, "dockerfile": dockerfile_dir}, secret_specs, ssh_specs,
                        key=shared_key(context_dir if send_context else None))


def _inside(path: str | None, folder: str) -> str | None:
    if not path:
        return None
    full, root = os.path.realpath(path), os.path.realpath(folder)
    if os.path.commonpath([full, root]) != root or full == root:
        return None
    return os.path.relpath(full, root).replace(os.sep, "/")


def _differs(path: str | None, data: bytes) -> bool:
    try:
        return Path(path or "").read_bytes() != data
    except OSError:
        return True
