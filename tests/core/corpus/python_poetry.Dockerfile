# syntax=docker/dockerfile:1.4
FROM python:3.11 AS poetry
RUN <<EOF
set -eux
pip install poetry==1.8.2
poetry config virtualenvs.in-project true
EOF
WORKDIR /src
COPY pyproject.toml poetry.lock ./
RUN poetry install --only main --no-root

FROM python:3.11-slim AS final
COPY --from=poetry /src/.venv /src/.venv
COPY src/ /src/
ENTRYPOINT ["/src/.venv/bin/python", "-m", "service"]
