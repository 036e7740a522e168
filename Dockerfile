# syntax=docker/dockerfile:1
# Production image: TypeScript compiled to JavaScript and the workflow bundle prebuilt, so neither
# tsx nor webpack runs at start. One image for the API, the worker and the migrations.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The patches npm ci's postinstall applies to dependencies (patch-package; see patches/README.md).
COPY patches ./patches
# Only the packages whose install scripts the project allows (package.json "allowScripts").
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 9464
# The API by default; the worker and the migrations override the command (see compose.yaml).
CMD ["node", "dist/api/server.js"]
