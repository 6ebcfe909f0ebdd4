# syntax=docker/dockerfile:1
# tsupervisord as PID 1 of a container (README "Container mode"). Three stages:
#   build    - installs the workspace, builds every package, compiles the orphan-reaper addon (C, N-API);
#   runtime  - Node 20 slim + the built daemon and tsctl with production dependencies only;
#   example  - (default target) runtime + nginx + a Python worker + examples/container/supervisord.conf.
# Build:  docker build -t tsupervisord-example .           (or --target runtime for the bare supervisor)
# Run:    docker run --rm -p 8080:8080 -e TSUPERVISORD_PASSWORD=$(openssl rand -hex 16) tsupervisord-example

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# A C toolchain and Python for node-gyp; Node's own headers ship in the image (no download at build time).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.9
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm exec turbo run build --filter=@tsupervisord/daemon... --filter=@tsupervisord/ctl...
# The addon is what makes PID 1 reap orphans: fail the image build here rather than at container start.
RUN test -f packages/reaper/dist/native/reaper.node \
 || { echo "the orphan-reaper addon was not built; see packages/reaper/README.md" >&2; exit 1; }
# Production dependencies only (reinstalled from the store pnpm just filled, no network).
RUN rm -rf node_modules apps/*/node_modules packages/*/node_modules test/node_modules bench/node_modules \
 && pnpm install --frozen-lockfile --prod --offline \
 && rm -rf .git test bench proto scripts packages/*/src packages/*/test apps/*/src apps/*/test \
      packages/reaper/native/build

FROM ${NODE_IMAGE} AS runtime
COPY --from=build /src /opt/tsupervisord
RUN ln -s /opt/tsupervisord/bin/tsupervisord /usr/local/bin/tsupervisord \
 && ln -s /opt/tsupervisord/bin/tsctl /usr/local/bin/tsctl \
 && mkdir -p /etc/tsupervisord /run/tsupervisord /var/log/tsupervisord
# Docker and Kubernetes stop with SIGTERM; tsupervisord turns it into a graceful stop bounded by stop_deadline.
STOPSIGNAL SIGTERM
# -n: stay in the foreground as PID 1 (the container lives as long as the daemon).
ENTRYPOINT ["tsupervisord", "-n", "-c", "/etc/tsupervisord/supervisord.conf"]

FROM runtime AS example
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light python3 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /app /run/app /etc/app
COPY examples/container/supervisord.conf /etc/tsupervisord/supervisord.conf
COPY examples/container/nginx.conf /etc/nginx/nginx.conf
COPY examples/container/worker.py /app/worker.py
EXPOSE 8080 9001
# Exit 0 while the daemon says /healthz is ok (asked over the unix socket, no credentials needed).
HEALTHCHECK --interval=10s --timeout=6s --start-period=10s --retries=3 \
  CMD ["tsupervisord", "--health", "-c", "/etc/tsupervisord/supervisord.conf"]
