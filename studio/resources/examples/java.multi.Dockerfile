# Java, multi-stage: JDK and Maven to build, a JRE to run.
#
# "build" resolves dependencies first (cached while pom.xml is unchanged), then
# packages the jar. The final stage is a JRE image and receives only app.jar.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B dependency:go-offline
COPY src ./src
RUN mvn -B package -DskipTests && cp target/*.jar /app.jar

FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /app.jar /app/app.jar
USER nobody
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
