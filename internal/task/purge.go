package task

// TypePurgeExpired is the periodic job that deletes expired sessions,
// pending logins and invitations (workers.PurgeExpired). The scheduler
// enqueues it without a payload.
const TypePurgeExpired = "purge-expired"
