# This file shows that directives only count at the very top.
# escape=`
FROM alpine
RUN echo a `
RUN echo b
