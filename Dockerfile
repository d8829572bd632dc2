# NCM Assure as a container image: the production build served by server.js on port 3000.
# The compose.yaml beside this file runs two of these behind a proxy on one PostgreSQL.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
# pg_dump and pg_restore for `npm run db:backup` / `db:restore` against PostgreSQL.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
# Development dependencies stay: the backup, restore and audit-verify scripts run through tsx.
COPY --from=build /app ./
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3000
CMD ["node", "server.js"]
