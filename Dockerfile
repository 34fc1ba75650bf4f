# cc-gateway-mock: small image on Node 24 (a maintained LTS release), non-root, listening on 0.0.0.0:8043.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY scripts/bundle.mjs ./scripts/bundle.mjs
# npm ci runs the `prepare` script, which compiles src/ to dist/.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8043
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scenarios ./scenarios
COPY public ./public
COPY docs/openapi.json ./docs/openapi.json
USER node
EXPOSE 8043
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 CMD ["node", "dist/healthcheck.js"]
CMD ["node", "--max-semi-space-size=4", "--single-threaded-gc", "dist/cli.bundle.js"]
