# Mitra: the sync server with its browser client, in one small image.
#   docker build -t mitra .
#   docker run -p 127.0.0.1:8080:8080 -v mitra-data:/data mitra
# or, with the settings in docker-compose.yml: docker compose up -d
# (see docs/operating.md).
#
# Every RUN below is a script CI runs the same way (scripts/build-web.sh,
# scripts/build-server.sh) or the runtime stage's user setup;
# scripts/check-compose.sh fails CI if another command appears here.

# 1. The browser client, into /src/web/dist.
FROM node:20-bookworm AS web
WORKDIR /src
COPY scripts/build-web.sh scripts/build-web.sh
COPY web web
RUN ./scripts/build-web.sh

# 2. The server: the release `mitra` binary, into /src/target/release/mitra.
FROM rust:1-bookworm AS server
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates crates
COPY scripts/build-server.sh scripts/build-server.sh
RUN ./scripts/build-server.sh

# 3. What runs: Debian's slim base, the binary, the client, a non-root user.
FROM debian:bookworm-slim
RUN useradd --system --user-group --uid 10001 --home-dir /data --no-create-home mitra \
 && mkdir -p /data \
 && chown mitra:mitra /data
COPY --from=server /src/target/release/mitra /usr/local/bin/mitra
# Found next to the binary (../share/mitra/web) without further settings.
COPY --from=web /src/web/dist /usr/local/share/mitra/web
USER mitra
ENV MITRA_LISTEN=0.0.0.0:8080 \
    MITRA_DATA_DIR=/data
EXPOSE 8080
VOLUME /data
# Alive = /healthz answers 200. bash (part of the base image) speaks the
# request itself, so the image needs no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${MITRA_LISTEN##*:} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r _ status _ <&3 && [ \"$status\" = 200 ]"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["mitra"]
CMD ["serve"]
