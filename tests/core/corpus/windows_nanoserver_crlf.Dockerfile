# escape=`
ARG WINVER=ltsc2022
FROM mcr.microsoft.com/windows/servercore:${WINVER} AS tools
RUN powershell -Command `
    Invoke-WebRequest -Uri https://example.invalid/tool.zip -OutFile C:\tool.zip ; `
    Expand-Archive C:\tool.zip -DestinationPath C:\tool

FROM mcr.microsoft.com/windows/nanoserver:${WINVER}
COPY --from=tools C:\tool C:\tool
USER ContainerUser
CMD ["C:\\tool\\tool.exe"]
