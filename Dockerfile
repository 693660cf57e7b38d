# card-sandbox: a static binary on `scratch`, running as uid 65532, with a health check
# through the binary itself.
#
# Two ways to build, one file:
#   docker build -t card-sandbox .                       from source (needs the Rust image)
#   docker/build                                         from a binary built on this host
#                                                        (no registry needed; tags card-sandbox:dev)
#
# The stage order matters. `docker/build` runs `docker build --target prebuilt`, and
# every builder (BuildKit and the legacy one alike) stops at the target stage, so the
# from-source stages below it are never touched and no base image is pulled: `scratch`
# is built in. A plain `docker build .` builds the last stage, `runtime`, from source.

ARG RUST_VERSION=1.88

# ---- what every runtime image holds, binary aside --------------------------------------
FROM scratch AS base
# A passwd/group naming uid 65532 ("nonroot"), and a directory it may write its ready
# file to; nothing else (no shell, no libc: the binary is static).
COPY docker/rootfs/etc/ /etc/
COPY --chown=65532:65532 docker/rootfs/run/ /run/
COPY scenarios/ /scenarios/
ENV SANDBOX_LISTEN=0.0.0.0:8080 \
    SANDBOX_READY_FILE=/run/card-sandbox/ready \
    SANDBOX_LOG_FORMAT=json
USER 65532:65532
WORKDIR /scenarios
EXPOSE 8080
STOPSIGNAL SIGTERM
# Healthy once the startup scenarios are loaded: `healthcheck` reads the address the
# server wrote to SANDBOX_READY_FILE (so it follows SANDBOX_LISTEN and --listen alike)
# and asks GET /_sandbox/ready.
HEALTHCHECK --interval=1s --timeout=3s --start-period=30s --retries=3 \
    CMD ["/card-sandbox", "healthcheck"]
ENTRYPOINT ["/card-sandbox"]
# Where the image was built from: docker/build passes the checkout's `origin` remote.
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="card-sandbox" \
      org.opencontainers.image.description="A stateful sandbox for the Interlace, Oceanpayment OPCard and HyperPay HyperCard APIs" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"

# ---- runtime from a binary built on the host (docker/build) ----------------------------
FROM base AS prebuilt
ARG VERSION=dev
LABEL org.opencontainers.image.version="${VERSION}"
COPY dist/card-sandbox /card-sandbox

# ---- from source: dependencies first, cached apart from the source (cargo-chef) --------
FROM rust:${RUST_VERSION}-slim-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
# glibc linked statically (+crt-static) for the host's own target triple; DNS goes
# through the pure-Rust resolver built into the binary, not glibc's NSS.
ENV RUSTFLAGS="-C target-feature=+crt-static"
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --profile docker --locked --bin card-sandbox \
        --target "$(rustc -vV | sed -n 's/^host: //p')" --recipe-path recipe.json
COPY . .
RUN target="$(rustc -vV | sed -n 's/^host: //p')" \
    && cargo build --profile docker --locked --bin card-sandbox --target "$target" \
    && cp "target/$target/docker/card-sandbox" /card-sandbox

# ---- runtime from source (the default target) ------------------------------------------
FROM base AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.version="${VERSION}"
COPY --from=builder /card-sandbox /card-sandbox
