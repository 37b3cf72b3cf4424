FROM debian:bookworm
RUN apt-get update && \
    # tools for building
    apt-get install -y \
        build-essential \
#       libfoo-dev \
        libbar-dev \
    && rm -rf /var/lib/apt/lists/*
# a real comment
CMD ["bash"]
