"""Docker Engine access: connection, build context, builds as event streams, sizes. No Qt.

Public API (import the submodules; this package imports nothing so CLI startup stays fast):

- ``studio.engine.connection``: ``engine_status(timeout) -> EngineStatus`` (never raises,
  never hangs), ``connect(timeout) -> docker.DockerClient`` (DOCKER_HOST, TLS variables,
  ssh://, docker contexts), ``EngineUnavailable``.
- ``studio.engine.builder``: ``BuildRequest``, ``Build(request, client=None)`` with
  ``events()`` (a generator), ``cancel()`` (any thread, any moment) and ``result``.
- ``studio.engine.sizes``: the size pass; ``MEASURE_LABEL`` marks the images it makes.
- ``studio.engine.fold``: ``BuildFold``, one build's state folded from its events (the GUI
  and the CLI's display both draw from it).
- ``studio.engine.sdk``: every use of the docker SDK's private internals. Every Engine API
  call goes through the docker SDK.
- ``studio.engine.events``: the event dataclasses (``to_json()`` each) and ``BuildResult``.
- ``studio.engine.context`` / ``dockerignore``: the streamed context tar and Docker's
  ``.dockerignore`` semantics.
"""
