# Mitra sync server. Build: docker build -t mitra .
# Run:   docker run -p 8080:8080 -v mitra-data:/data mitra

# The browser client, built by the same script CI uses.
FROM node:20-bookworm AS web
WORKDIR /src
COPY scripts/build-web.sh scripts/build-web.sh
COPY web web
RUN ./scripts/build-web.sh

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p mitra

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /data mitra \
 && mkdir -p /data && chown mitra /data
COPY --from=build /src/target/release/mitra /usr/local/bin/mitra
# Found next to the binary (../share/mitra/web) without further settings.
COPY --from=web /src/web/dist /usr/local/share/mitra/web
USER mitra
ENV MITRA_LISTEN=0.0.0.0:8080 MITRA_DATA_DIR=/data
EXPOSE 8080
VOLUME /data
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["mitra"]
CMD ["serve"]
