FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY app.exe C:\app\
RUN echo C:\app\app.exe
