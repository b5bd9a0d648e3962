# The Facecast web app (Next.js control plane), served by scripts/app-server.mjs.
# Build from the repository root:  docker build -f deploy/app.Dockerfile -t facecast/app .
# The base image is made locally by deploy/make-base-image.sh (nothing comes from a registry).
ARG BASE_IMAGE=facecast/debian-base:bookworm

# ---- build: npm ci, prisma generate, next build (the project's own setup steps) ------------
FROM ${BASE_IMAGE} AS build
WORKDIR /src
# What scripts/lib/npm-deps.mjs sets for `npm ci`: no CUDA download, no telemetry.
ENV CI=true \
    NEXT_TELEMETRY_DISABLED=1 \
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
# prisma-client.mjs gives the CLI a placeholder DATABASE_URL (generate never connects);
# next-build.mjs runs `next build` with NODE_ENV=production. Then what the runtime needs is
# moved (a rename, no copy) to /out, so the runtime stage takes it in one COPY: with the vfs
# storage driver every layer is a full copy of the file system.
# Migrations are applied by the app on its first database use (lib/db/migrate.ts, serialised
# between instances by an advisory lock). lib/ and protocol/ also run as TypeScript (tsx):
# avatar preparation and lip-sync model checks are child processes of lib/avatars/*-job.ts;
# with scripts/ they serve the CLI (`docker compose exec app npx tsx scripts/cli.ts …`).
RUN node --input-type=module -e " \
      const { ensurePrismaClient } = await import('./scripts/lib/prisma-client.mjs'); \
      const { ensureNextBuild } = await import('./scripts/lib/next-build.mjs'); \
      await ensurePrismaClient(); \
      await ensureNextBuild({ force: true });" \
 && rm -rf .next/cache \
 && npm prune --omit=dev \
 && mkdir -p /out/deploy \
 && mv package.json tsconfig.json next.config.js prisma.config.ts node_modules .next public \
       prisma lib protocol scripts /out/ \
 && mv deploy/healthcheck.mjs /out/deploy/

# ---- runtime ------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
# ffmpeg/ffprobe prepare video avatars (docs/avatars.md).
# The same uid in the worker image: both use the shared data volume.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /opt/facecast --shell /usr/sbin/nologin facecast \
 && mkdir -p /var/lib/facecast \
 && chown facecast:facecast /var/lib/facecast
WORKDIR /opt/facecast
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    FACECAST_DATA_DIR=/var/lib/facecast
USER facecast
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "deploy/healthcheck.mjs", "app"]
CMD ["node", "scripts/app-server.mjs", "--port", "3000", "--hostname", "0.0.0.0"]
# Everything that only sets metadata comes before the one COPY that brings node_modules: the
# classic builder makes a container for each instruction, and with vfs each container is a
# full copy of the image so far (minutes and gigabytes per line after the COPY).
# package.json, tsconfig.json, next.config.js, prisma.config.ts, node_modules, .next, public/,
# prisma/, lib/, protocol/, scripts/, deploy/healthcheck.mjs
COPY --from=build /out /opt/facecast
