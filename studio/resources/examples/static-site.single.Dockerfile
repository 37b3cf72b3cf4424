# A static site, the naive way: generate it and serve it with Python.
#
# The generator (MkDocs), pip's cache and the full python image stay in the image,
# although serving HTML needs none of them.
FROM python:3.12
WORKDIR /site
COPY . .
RUN pip install mkdocs && mkdocs build
EXPOSE 8000
CMD ["python", "-m", "http.server", "8000", "--directory", "site"]
