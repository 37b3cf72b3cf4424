FROM alpine AS a
RUN echo a
FROM a
CMD ["sh"]