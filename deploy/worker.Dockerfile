# A Facecast worker host (render plane): a supervisor with a pool of session processes.
# Build from the repository root:  docker build -f deploy/worker.Dockerfile -t facecast/worker .
# The base image is made locally by deploy/make-base-image.sh (nothing comes from a registry).
ARG BASE_IMAGE=facecast/debian-base:bookworm

# ---- build: npm ci, the frame-store addon, the worker bundle (the project's setup steps) ---
FROM ${BASE_IMAGE} AS build
# gcc compiles worker/native/mmap.c against Node's headers (/usr/local/include/node).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV CI=true \
    CHECKPOINT_DISABLE=1 \
    ONNXRUNTIME_NODE_INSTALL_CUDA=skip \
    PRISMA_SKIP_POSTINSTALL_GENERATE=1 \
    PRISMA_GENERATE_SKIP_AUTOINSTALL=1 \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# native-addon.mjs: build/native/facecast_mmap.node; worker-bundle.mjs: build/worker/*.mjs
# (session processes and their threads run the bundle, not tsx: decision 008). Then what the
# runtime needs is moved (a rename, no copy) to /out, so the runtime stage takes it in one
# COPY: with the vfs storage driver every layer is a full copy of the file system.
# The bundle is used only when no source it was built from is newer (worker/built-entry.ts):
# its manifest is touched last.
RUN node --input-type=module -e " \
      const { ensureNativeAddon } = await import('./scripts/lib/native-addon.mjs'); \
      const { ensureWorkerBundle } = await import('./scripts/lib/worker-bundle.mjs'); \
      await ensureNativeAddon(); \
      await ensureWorkerBundle();" \
 && npm prune --omit=dev \
 && mkdir -p /out/deploy \
 && mv package.json tsconfig.json node_modules worker protocol build /out/ \
 && mv deploy/healthcheck.mjs /out/deploy/ \
 && touch /out/build/worker/manifest.json

# ---- runtime ------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
# ffmpeg: the capacity calibration's encoder; pocketsphinx: offline speech recognition.
# The same uid as in the app image: both use the shared data volume.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg pocketsphinx pocketsphinx-en-us \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /opt/facecast --shell /usr/sbin/nologin facecast \
 && mkdir -p /var/lib/facecast \
 && chown facecast:facecast /var/lib/facecast
WORKDIR /opt/facecast
ENV NODE_ENV=production \
    FACECAST_DATA_DIR=/var/lib/facecast
USER facecast
EXPOSE 7890
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "deploy/healthcheck.mjs", "worker"]
# SIGTERM drains (WORKER_DRAIN_SECONDS): give the container a longer stop grace period.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "worker/main.ts"]
# Everything that only sets metadata comes before the one COPY that brings node_modules: the
# classic builder makes a container for each instruction, and with vfs each container is a
# full copy of the image so far (minutes and gigabytes per line after the COPY).
# package.json, tsconfig.json, node_modules, worker/, protocol/, build/, deploy/healthcheck.mjs
COPY --from=build /out /opt/facecast
