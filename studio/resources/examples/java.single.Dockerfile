# Java, the naive way: build with Maven and run in the same image.
#
# The image keeps Maven, a full JDK (compiler, tools) and the ~/.m2 repository with
# every build plugin, although running the jar needs only a JRE.
FROM maven:3.9-eclipse-temurin-21
WORKDIR /src
COPY . .
RUN mvn -B package -DskipTests
CMD ["java", "-jar", "target/app.jar"]
