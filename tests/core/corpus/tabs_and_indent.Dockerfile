FROM alpine AS a
	RUN echo tab-indented
    WORKDIR /x
  # indented comment
	
FROM a
  COPY --from=a /x /y
