# Rust, the naive way: cargo build in the rust image and run it there.
#
# The rust image is well over a gigabyte (rustc, cargo, a C toolchain), and the
# target/ folder with every intermediate artifact comes along.
FROM rust:1.79
WORKDIR /src
COPY . .
RUN cargo build --release
CMD ["./target/release/app"]
