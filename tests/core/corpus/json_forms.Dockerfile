FROM python:3.12-alpine
SHELL ["/bin/sh", "-eu", "-c"]
RUN ["pip", "install", "gunicorn"]
VOLUME ["/data", "/logs"]
HEALTHCHECK --interval=30s --timeout=3s CMD ["wget", "-qO-", "http://localhost:8000/health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["gunicorn", "-b", "0.0.0.0:8000"]
CMD ["app:wsgi"]
