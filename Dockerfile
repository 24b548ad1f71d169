# syntax=docker/dockerfile:1
# One image for every service: the launcher starts the service named by its first argument.

# --- build stage: the JDK and Maven; the dependency layer is cached separately from the sources ---
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml .
COPY .mvn .mvn
COPY contracts/pom.xml contracts/
COPY platform/pom.xml platform/
COPY engine/pom.xml engine/
COPY training/pom.xml training/
COPY models/pom.xml models/
COPY websocket/pom.xml websocket/
COPY api/pom.xml api/
COPY monitoring/pom.xml monitoring/
COPY launcher/pom.xml launcher/
COPY bench/pom.xml bench/
COPY . .
RUN mvn -B -q package -DskipTests -pl launcher -am

# --- runtime stage: a JRE only, a non-root user, the jar and its libraries ---
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 forge && useradd --system --uid 10001 --gid forge --home-dir /app --shell /usr/sbin/nologin forge \
    && mkdir -p /data /app && chown forge:forge /data
WORKDIR /app
COPY --from=build /src/launcher/target/agent-forge.jar /app/agent-forge.jar
COPY --from=build /src/launcher/target/libs /app/libs
COPY --from=build /src/launcher/jvm.options /app/jvm.options
USER forge
# DJL unpacks PyTorch's native libraries on first use; keep them on the data volume, never download.
ENV DJL_CACHE_DIR=/data/djl \
    STORAGE_PATH=/data/models \
    DATA_DIR=/data \
    LOG_FORMAT=json \
    BIND_ADDRESS=0.0.0.0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
VOLUME ["/data"]
EXPOSE 8000 8001 8002 8003 8004
# The probe asks the service named by SERVICE_NAME (or all five in the all-in-one start) for its /health.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["java", "-XX:TieredStopAtLevel=1", "-jar", "/app/agent-forge.jar", "healthcheck"]
# The services' JVM flags come from their one source, launcher/jvm.options (see there).
ENTRYPOINT ["java", "@/app/jvm.options", "-jar", "/app/agent-forge.jar"]
CMD ["start"]
