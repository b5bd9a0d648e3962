# LiveKit server (media plane), built from source like scripts/lib/livekit-binary.mjs does:
# `go install github.com/livekit/livekit-server/cmd/server@v<LIVEKIT_VERSION>` from the Go
# module proxy. LiveKit needs Go >= 1.26 and Debian bookworm has 1.19, so the build stage
# fetches the Go toolchain the way `GOTOOLCHAIN` switching does: as the Go module
# golang.org/toolchain from the same proxy.
# Build from the repository root:  docker build -f deploy/livekit.Dockerfile -t facecast/livekit .
ARG BASE_IMAGE=facecast/debian-base:bookworm

FROM ${BASE_IMAGE} AS build
ARG LIVEKIT_VERSION=1.13.5
ARG GO_VERSION=1.26.8
ARG GO_ARCH=amd64
RUN apt-get update \
 && apt-get install -y --no-install-recommends golang-go git \
 && rm -rf /var/lib/apt/lists/*
ENV GOPATH=/go \
    GOFLAGS=-modcacherw \
    GOTOOLCHAIN=local \
    CGO_ENABLED=0
RUN go mod download "golang.org/toolchain@v0.0.1-go${GO_VERSION}.linux-${GO_ARCH}" \
 && TOOLCHAIN="/go/pkg/mod/golang.org/toolchain@v0.0.1-go${GO_VERSION}.linux-${GO_ARCH}" \
 # Module zips carry no execute bits; cmd/go sets them the same way when it switches.
 && chmod -R a+x "$TOOLCHAIN/bin" "$TOOLCHAIN/pkg/tool" \
 && GOROOT="$TOOLCHAIN" "$TOOLCHAIN/bin/go" install \
      "github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_VERSION}" \
 && mv /go/bin/server /livekit-server \
 && /livekit-server --version

FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10002 --user-group --no-create-home --shell /usr/sbin/nologin livekit
COPY --from=build /livekit-server /usr/local/bin/livekit-server
COPY deploy/livekit.yaml /etc/livekit/livekit.yaml
USER livekit
# 7880 HTTP/WebSocket; ICE over TCP and UDP on the ports each node's command line names.
EXPOSE 7880
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:7880/"]
ENTRYPOINT ["/usr/local/bin/livekit-server", "--config", "/etc/livekit/livekit.yaml"]
