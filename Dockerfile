# StoryDesk: one static binary (pure-Go SQLite, no cgo) on a minimal base.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/storydesk ./cmd/storydesk
# The final image has no shell to make /data: it is made here and copied
# owned by nonroot (65532), so a fresh named volume mounted there, which
# Docker fills from the image, is writable by the process.
RUN mkdir -p /out/data && chmod 0700 /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/storydesk /usr/local/bin/storydesk
COPY --from=build --chown=65532:65532 /out/data /data
# The data dir holds the embedded default's files, the generated secret and
# each process's spooled uploads while a request is processed; mount a
# volume here. A bind mount must be writable by uid 65532.
ENV STORYDESK_DATA_DIR=/data
VOLUME /data
USER nonroot:nonroot
EXPOSE 8080
# Container healthchecks: "storydesk healthcheck" (web) or
# "storydesk healthcheck --worker"; see docker-compose.yml.
ENTRYPOINT ["/usr/local/bin/storydesk"]
CMD ["all"]
