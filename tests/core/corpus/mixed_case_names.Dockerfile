FROM alpine AS Build-Env
RUN echo hi > /x

FROM BUILD-ENV AS Second
RUN echo two

FROM alpine
COPY --from=build-env /x /a
COPY --from=SECOND /x /b
