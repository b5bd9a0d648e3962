# Redis from Debian's package, on the local base image (no registry image): LiveKit's
# multi-node routing. Nothing is persisted (LiveKit keeps only live state there).
# Build from the repository root:  docker build -f deploy/redis.Dockerfile -t facecast/redis .
ARG BASE_IMAGE=facecast/debian-base:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*

USER redis
EXPOSE 6379
# The password comes from REDIS_PASSWORD at run time, never from the image.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli -h 127.0.0.1 ping | grep -q PONG"]
CMD ["sh", "-c", "exec redis-server --bind 0.0.0.0 --protected-mode yes --requirepass \"$REDIS_PASSWORD\" --save '' --appendonly no"]
