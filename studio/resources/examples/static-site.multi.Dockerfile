# A static site, multi-stage: generate with MkDocs, serve with nginx.
#
# The "generate" stage turns Markdown into HTML under /site/site. The final stage
# is nginx, which serves files and nothing else: only the generated folder is
# copied in.
FROM python:3.12-slim AS generate
RUN pip install --no-cache-dir mkdocs==1.6.0
WORKDIR /site
COPY mkdocs.yml .
COPY docs ./docs
RUN mkdocs build

FROM nginx:1.27-alpine
COPY --from=generate /site/site /usr/share/nginx/html
EXPOSE 80
