# Build: compile TypeScript and the native SQLite driver, then drop dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY routes ./routes
COPY handlers ./handlers
RUN npm run build && npm prune --omit=dev

# Run: production dependencies and compiled code only, as the unprivileged `node` user.
# The code and dependencies stay owned by root, so the process cannot rewrite what it runs;
# only /app/data (the SQLite database, backups) is the node user's.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The campaign report page's static files (served as they are, not compiled).
COPY --from=build /app/src/http/public ./src/http/public
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# What `npm start` runs, without the build step and without npm in the signal path (SIGTERM reaches node).
CMD ["node", "dist/src/server.js"]
