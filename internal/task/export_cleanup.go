package task

// TypeExportCleanup is the periodic job that deletes the archives of
// expired exports (workers.ExportCleanup). The scheduler enqueues it
// without a payload.
const TypeExportCleanup = "export-cleanup"
