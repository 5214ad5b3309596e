// Package embedded runs the in-process services of StoryDesk's embedded
// default: a Redis (miniredis) for the asynq queue and an S3 server
// (gofakes3 over files in the data directory) for attachments and exports.
//
// Both listen on 127.0.0.1 only, on a random port, and check no
// credentials: they exist so that `storydesk all` works on one machine
// with nothing else installed. Deployments with real traffic set
// STORYDESK_REDIS_URL and STORYDESK_S3_ENDPOINT instead.
package embedded
