FROM alpine AS baußé
LABEL description="café — 日本語"
RUN echo 'üñîçødé 🐳'
