# StoryDesk: one static binary (pure-Go SQLite, no cgo) on a minimal base.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/storydesk ./cmd/storydesk

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/storydesk /usr/local/bin/storydesk
# The data dir holds the embedded default's files and spooled uploads while a
# request is processed; mount a volume here.
ENV STORYDESK_DATA_DIR=/data
VOLUME /data
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/storydesk"]
CMD ["all"]
