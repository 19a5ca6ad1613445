# One image for both services; the command picks the service.
# The full image: better-sqlite3 compiles its native addon at install (python3, make, g++).
FROM node:20-bookworm
# Vulkan loader and glvnd: the webgpu backend (Dawn) reaches an NVIDIA GPU through the driver's
# Vulkan ICD, which the NVIDIA Container Toolkit mounts with the "graphics" capability.
RUN apt-get update && apt-get install -y --no-install-recommends libvulkan1 libglvnd0 libglx0 libegl1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV NODE_ENV=production
CMD ["node", "bin/oracle.js", "trainer"]
