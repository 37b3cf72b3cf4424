FROM alpine
RUN echo one \

    && echo two \
   	
    && echo three
ENV A=1 \

    B=2
