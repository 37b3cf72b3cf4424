FROM alpine AS base
RUN echo base > /base

FROM base AS left
RUN echo left > /left

FROM base AS right
RUN echo right > /right

FROM alpine AS join
COPY --from=left /left /left
COPY --from=right /right /right
COPY --from=base /base /base
