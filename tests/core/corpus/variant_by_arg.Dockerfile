ARG VARIANT=slim
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim AS build-slim
RUN pip install --no-cache-dir --prefix=/install flask gunicorn

FROM python:${PYTHON_VERSION} AS build-full
RUN pip install --no-cache-dir --prefix=/install flask gunicorn numpy

FROM build-${VARIANT} AS build

FROM python:${PYTHON_VERSION}-slim
COPY --from=build /install /usr/local
RUN useradd -l -u 100001 app
USER app
CMD ["gunicorn", "app:app"]
