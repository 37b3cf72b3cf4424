"""Secrets for ``RUN --mount=type=secret``, served to the engine on request.

Only references are kept (a file path or an environment variable's name); the value is
read when the engine asks for it and goes straight into the gRPC answer. The session
never stores, logs or words it into an error; the build's redactor (``studio.engine.
redact``) reads it once more to mask it in whatever the build prints, and holds it only
while the build runs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from studio.engine.protowire import field_bytes, read_message
from studio.engine.session.grpc_server import NOT_FOUND, GrpcError


class SecretSpecError(ValueError):
    """A --secret value that cannot be used (said before the build starts)."""


@dataclass(frozen=True)
class SecretSpec:
    id: str
    src: str | None = None  # a file
    env: str | None = None  # an environment variable

    def describe(self) -> str:
        return f"id={self.id},src={self.src}" if self.src else f"id={self.id},env={self.env}"


def parse_secret(text: str) -> SecretSpec:
    """``docker build --secret`` syntax: ``id=ID[,src=PATH|,source=PATH|,env=VAR][,type=file|env]``.

    As in the docker CLI, with neither ``src`` nor ``env`` the id names an environment
    variable when one of that name is set, and a file otherwise."""
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or not value:
            raise SecretSpecError(f"--secret {text!r}: {part!r} is not KEY=VALUE")
        if key == "source":
            key = "src"
        if key not in ("id", "src", "env", "type"):
            raise SecretSpecError(f"--secret {text!r}: unknown key {key!r} (use id, src, env, type)")
        fields[key] = value
    ident = fields.get("id") or (os.path.basename(fields["src"]) if "src" in fields else "")
    if not ident:
        raise SecretSpecError(f"--secret {text!r}: an id is needed (id=NAME)")
    kind = fields.get("type")
    if kind not in (None, "file", "env"):
        raise SecretSpecError(f"--secret {text!r}: type must be file or env")
    if "src" in fields and ("env" in fields or kind == "env"):
        if kind == "env":
            return SecretSpec(ident, env=fields["src"])
        raise SecretSpecError(f"--secret {text!r}: give src or env, not both")
    if "env" in fields:
        return SecretSpec(ident, env=fields["env"])
    if "src" in fields:
        return SecretSpec(ident, src=os.path.expanduser(fields["src"]))
    if kind == "env" or (kind is None and ident in os.environ):
        return SecretSpec(ident, env=ident)
    return SecretSpec(ident, src=ident)


def check_secret(spec: SecretSpec) -> None:
    """Fail before the build when the secret cannot be read (the value itself is not kept)."""
    if spec.env is not None:
        if spec.env not in os.environ:
            raise SecretSpecError(f"secret {spec.id}: the environment variable {spec.env} is not set")
        return
    assert spec.src is not None
    try:
        with open(spec.src, "rb"):
            pass
    except OSError as exc:
        raise SecretSpecError(f"secret {spec.id}: cannot read {spec.src}: {(exc.strerror or str(exc)).lower()}") \
            from None


def get_secret(specs: dict[str, SecretSpec], request: bytes) -> bytes:
    """``GetSecret``: the value of the secret the request names, or NotFound."""
    ident = read_message(request).get(1, [b""])[0]
    ident = ident.decode("utf-8", "replace") if isinstance(ident, bytes) else str(ident)
    spec = specs.get(ident)
    if spec is None:
        raise GrpcError(NOT_FOUND, f"secret {ident} not found")
    if spec.env is not None:
        value = os.environ.get(spec.env)
        if value is None:
            raise GrpcError(NOT_FOUND, f"secret {ident} not found: {spec.env} is not set")
        return field_bytes(1, value.encode())
    try:
        with open(spec.src or "", "rb") as handle:
            return field_bytes(1, handle.read())
    except OSError as exc:
        raise GrpcError(NOT_FOUND, f"secret {ident}: cannot read {spec.src}: "
                                   f"{(exc.strerror or str(exc)).lower()}") from None
