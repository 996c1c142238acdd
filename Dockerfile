# Junction's container image: `docker build -t junction:0.1.0 .`
#
# The image runs as an unprivileged numeric user and writes nowhere but /data (ACME certificates, acme.json) and
# /tmp, so that it runs with `readOnlyRootFilesystem: true`: mount an emptyDir or a PersistentVolumeClaim on /data
# and an emptyDir on /tmp (deploy/junction.yaml and the Helm chart do).

# Build: compile the TypeScript sources and the dashboard with the development dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY dashboard ./dashboard
RUN npm run build

# Run: the compiled code and the production dependencies only.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOME=/tmp \
    TMPDIR=/tmp
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/dashboard ./dist/dashboard
RUN mkdir -p /data && chown 65532:65532 /data
# Relative paths of the configuration (./plugins-local, ...) are read from the root, as in Traefik's image.
WORKDIR /
USER 65532:65532
# The entry points of deploy/junction.yaml: web, websecure, traefik (ping, API), metrics.
EXPOSE 8000 8443 8080 9100
VOLUME ["/data"]
ENTRYPOINT ["node", "/app/dist/src/cli/junction.js"]
