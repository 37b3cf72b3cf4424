# Python, the naive way: the full python image plus pip's download cache.
#
# python:3.12 carries compilers and headers (so packages with C extensions build),
# and a plain "pip install" keeps every downloaded file in ~/.cache/pip. Both ship.
FROM python:3.12
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ["python", "-m", "app"]
