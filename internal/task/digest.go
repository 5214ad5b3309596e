package task

// TypeDigest is the hourly e-mail digest to editors (workers.Digest). The
// scheduler enqueues it without a payload.
const TypeDigest = "digest"
