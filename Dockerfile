# One image for both services; the command picks the service.
# The full image: better-sqlite3 compiles its native addon at install (python3, make, g++).
FROM node:20-bookworm
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV NODE_ENV=production
CMD ["node", "bin/oracle.js", "trainer"]
