package task

// TypeCleanup is the periodic job that aborts abandoned multipart uploads
// (workers.Cleanup). The scheduler enqueues it without a payload.
const TypeCleanup = "s3-cleanup"
