# syntax=docker/dockerfile:1
# Chokepoint: multi-stage build of a static binary, run as non-root.
#
#   docker build --build-arg VERSION=$(git describe --always) -t chokepoint .
#   docker run -e DISCORD_TOKEN -p 9090:9090 -v chokepoint-index:/index chokepoint
#
# The embedded corpus is baked into the binary. Mount your own articles at
# /corpus and set CHOKEPOINT_CORPUS=/corpus to use them instead; the index
# lives in the /index volume. Health and metrics listen on CHOKEPOINT_OPS
# (:9090) whatever command the container runs, and the HEALTHCHECK probes
# that address: change the port with -e CHOKEPOINT_OPS=:9191, not a flag.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The same build command CI runs (.ci/build), so the two cannot drift.
RUN VERSION="$VERSION" sh .ci/build /out/chokepoint \
    && mkdir -p /out/index /out/corpus

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/chokepoint /usr/local/bin/chokepoint
COPY --from=build --chown=65532:65532 /out/index /index
COPY --from=build --chown=65532:65532 /out/corpus /corpus
ENV CHOKEPOINT_INDEX=/index \
    CHOKEPOINT_OPS=:9090
VOLUME ["/index"]
USER 65532:65532
EXPOSE 8080 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/chokepoint", "health"]
ENTRYPOINT ["/usr/local/bin/chokepoint"]
CMD ["serve"]
