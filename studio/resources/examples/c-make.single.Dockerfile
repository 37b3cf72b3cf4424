# C with make, the naive way: compilers, apt lists and objects all ship.
#
# build-essential (gcc, make, headers) is only needed to compile, and apt-get
# leaves its package lists in the layer because nothing removes them.
FROM debian:bookworm
RUN apt-get update && apt-get install -y build-essential
WORKDIR /src
COPY . .
RUN make foo bar
CMD ["./foo"]
