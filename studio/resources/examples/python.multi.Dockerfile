# Python, multi-stage: build wheels where compilers live, install them into slim.
#
# Stage "wheels" uses the full image to turn requirements.txt into wheel files
# (compiling any C extensions once). The final stage starts from python:3.12-slim
# and installs those wheels through a bind mount of the "wheels" stage
# (RUN --mount=...,from=wheels): the wheel files are read during that one RUN and
# never become a layer of their own. --no-cache-dir keeps pip's cache out too.
FROM python:3.12 AS wheels
WORKDIR /src
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim
WORKDIR /app
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index /wheels/*.whl
COPY . .
USER nobody
CMD ["python", "-m", "app"]
