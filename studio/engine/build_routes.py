"""The two ways a build can go besides a tar upload to the Engine API: through a
BuildKit session (context, Dockerfile, secrets and SSH served as the docker CLI serves
them) or through ``docker buildx build`` on a buildx builder. ``Build`` calls these."""
from __future__ import annotations

from studio.engine.build_request import buildx_flags, query_value
from studio.engine.events import BuildFailed


def open_session(build, api) -> dict[str, str] | None:
    """Serve the context, Dockerfile, secrets and SSH through a BuildKit session, as the
    docker CLI does; the build then names it. None: upload the context as a tar (an
    engine without sessions); a build that needs secrets or SSH cannot, and fails."""
    from studio.engine.session.for_build import build_session, dockerfile_name
    from studio.engine.session.transport import SessionUnavailable

    req = build.request
    if req.session is False:
        if req.secrets or req.ssh:
            raise SessionUnavailable("secrets and SSH need a BuildKit session, which this build turned off")
        return None
    name = dockerfile_name(req.dockerfile_path)
    if isinstance(query_value(name), bytes):
        raise SessionUnavailable(odd_name_refusal(req.dockerfile_path or name))
    session = build_session(req.context_dir, build._sent_text or req.dockerfile_text, req.dockerfile_path,
                            req.secrets, req.ssh, send_context=build._send_context)
    _note_skips(session.dirs.get("context"), build.skipped_temps)
    try:
        session.start(api)
    except SessionUnavailable:
        if req.secrets or req.ssh or req.session:
            raise
        return None
    build.session = session
    if build.cancelled:
        session.close()
    return {"session": session.id, "remote": "client-session",
            "dockerfile": name}


def odd_name_refusal(path: str) -> str:
    """A Dockerfile whose file name is not UTF-8 cannot go through a session: the engine
    asks for the file by a name it has already turned into UTF-8 (0xe9 becomes U+FFFD, on
    Debian's 20.10 and on Docker 26.1 alike), so no file matches it; docker build fails
    there too. The tar upload and the classic builder take the name as its bytes."""
    from studio.core.units import visible

    return (f"cannot send the Dockerfile {visible(path)} through a BuildKit session: its file name is not "
            "UTF-8, and the engine asks for it by a changed name. Rename the file, or build without a session "
            "(--no-session) or with the classic builder (--backend classic)")


def _note_skips(synced, skipped: dict[str, None]) -> None:
    """Leave out only regular files of the names the session skips (our save temps: a
    folder so named is the user's), and record each in ``skipped``, so that the build can
    say so: docker build would send them."""
    import os
    import stat

    if synced is None or synced.skip is None or synced.root is None:
        return
    skip, root = synced.skip, synced.root

    def noted(rel: str) -> bool:
        if not skip(rel):
            return False
        try:
            regular = stat.S_ISREG(os.lstat(root / rel).st_mode)
        except OSError:
            regular = True  # gone: nothing to send either way
        if regular:
            skipped[rel] = None
        return regular

    synced.skip = noted


def open_buildx(build, text: str) -> tuple:
    """Start `docker buildx build` on the request's builder: a sent tuple like Build._open's."""
    from studio.engine.buildx import BuildxOptions, BuildxRun, BuildxUnavailable

    req = build.request
    options = BuildxOptions(req.builder or "default", req.context_dir if build._send_context else None, text,
                            build._target_key or req.target, dict(req.build_args), dict(req.labels),
                            req.no_cache, req.platform, req.tag,
                            secrets=[s.describe() for s in req.secrets],
                            ssh=[f"{s.id}={s.socket}" for s in req.ssh], extra=buildx_flags(req))
    run = build.buildx = BuildxRun(options)
    try:
        run.start()
    except BuildxUnavailable as exc:
        run.close()
        return BuildFailed(str(exc)), None
    if build.cancelled:
        run.cancel()
    return 200, run.messages(), run.close, lambda: "", None


def buildx_loaded(request, client) -> bool:
    """Whether the buildx builder put the image into the engine we measure with."""
    if client is None:
        return False
    from studio.engine.buildx import BuildxUnavailable, list_builders

    try:
        builders = {b.name: b for b in list_builders()}
    except BuildxUnavailable:
        return False
    found = builders.get(request.builder or "default")
    return found is not None and found.loads_into_engine
