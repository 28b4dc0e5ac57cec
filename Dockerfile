# Rowflow in one image: the generator, the orchestrator with the web page, and the launcher that
# runs both (`npm start`'s process). compose.yaml runs the apps as separate services.

# --- build: install everything, compile, then drop the dev dependencies -------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The lockfile and the workspaces (npm ci links libs/*) first: `npm ci` reruns only when they change.
COPY package.json package-lock.json ./
COPY libs ./libs
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- run -------------------------------------------------------------------------------------
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    LOG_FORMAT=json \
    ROWFLOW_DATA_DIR=/data \
    EXPORT_DIR=/data/exports
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data/exports && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000 3001
# With DATABASE_URL: the generator and the orchestrator against that database. Without it the
# launcher starts embedded PostgreSQL under /data/pg, as `npm start` does on a workstation.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "tools/launcher/dist/main.js"]
