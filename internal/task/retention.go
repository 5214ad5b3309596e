package task

// TypeRetention is the periodic job that deletes what StoryDesk no longer
// needs to keep (workers.Retention; docs/privacy.md, "How long we keep it").
// The scheduler enqueues it without a payload.
const TypeRetention = "retention"
