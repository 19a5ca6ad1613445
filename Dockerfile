# syntax=docker/dockerfile:1
# Multi-stage: build tools and npm caches stay in the build stages; the images that run carry
# node_modules, the sources and a non-root user only.
#   target runtime      bot, migrate and the CPU trainer (wasm/cpu backends): node:24 slim
#   target trainer-gpu  the GPU trainer: CUDA 11.2 + cuDNN 8.1 (what @tensorflow/tfjs-node-gpu 4.22
#                       is built against) and that package, whose install script runs in this image only

ARG NODE_IMAGE=node:24-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04

# --- CPU dependencies: better-sqlite3 compiles its addon here; optional native tfjs packages are
# --- left out (--omit=optional), so no tfjs install script runs in the CPU image.
FROM node:24-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=deps /app/prisma/generated ./prisma/generated
COPY . .
# The data volume (corpus, GloVe cache) is written by the non-root user only.
RUN mkdir -p /data && chown node:node /data
USER node
CMD ["node", "bin/oracle.js", "bot"]

# --- GPU: Node 24 on the CUDA base, so native addons link against the libc they run on.
FROM ${NODE_IMAGE} AS node-bin
FROM ${CUDA_IMAGE} AS gpu-base
COPY --from=node-bin /usr/local/bin/node /usr/local/bin/node
COPY --from=node-bin /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && useradd --system --uid 10001 --create-home oracle

FROM gpu-base AS gpu-deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund \
 # The one install script allowed beyond better-sqlite3's: tfjs-node-gpu fetches libtensorflow (GPU build).
 && npm install --no-save --omit=dev --no-audit --no-fund @tensorflow/tfjs-node-gpu@4.22.0 \
 && npm cache clean --force

FROM gpu-base AS trainer-gpu
WORKDIR /app
ENV NODE_ENV=production TRAINER_BACKEND=tensorflow-gpu
COPY --from=gpu-deps /app/node_modules ./node_modules
COPY --from=gpu-deps /app/prisma/generated ./prisma/generated
COPY . .
RUN mkdir -p /data && chown oracle:oracle /data
USER oracle
CMD ["node", "bin/oracle.js", "trainer"]
