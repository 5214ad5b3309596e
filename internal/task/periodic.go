package task

import "time"

// PeriodicID is the TaskID of periodic job typ's run for the period that
// starts at start: every worker's scheduler spells the same ID for the
// same period, so asynq refuses all but the first.
func PeriodicID(typ string, start time.Time) string {
	return taskID(typ, start.UTC().Format(time.RFC3339Nano))
}
