from alpine:3.20 as Builder
run apk add --no-cache gcc
workdir /src
copy . .
run gcc -o /hello hello.c

from scratch
copy --from=builder /hello /hello
entrypoint ["/hello"]
