package workers

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/task"
)

// purgeTasks deletes every task in Redis about the deleted submissions ids
// (task.OfSubmission), whichever job it is and however it was enqueued.
// Tasks being processed are cancelled; their handlers find no row and stop.
func (r *Retention) purgeTasks(ctx context.Context, ids []string) (int, error) {
	in := asynq.NewInspector(r.redis)
	defer in.Close()
	queues, err := in.Queues()
	if err != nil {
		return 0, fmt.Errorf("retention: list queues: %w", err)
	}
	belongs := func(taskID string) bool {
		return slices.ContainsFunc(ids, func(id string) bool { return task.OfSubmission(taskID, id) })
	}
	type lister func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	n := 0
	var errs []error
	for _, q := range queues {
		for _, list := range []lister{in.ListPendingTasks, in.ListScheduledTasks, in.ListRetryTasks, in.ListArchivedTasks, in.ListCompletedTasks, in.ListActiveTasks} {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			tasks, err := listAll(list, q)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, t := range tasks {
				if !belongs(t.ID) {
					continue
				}
				if t.State == asynq.TaskStateActive {
					err = in.CancelProcessing(t.ID)
				} else {
					err = in.DeleteTask(q, t.ID)
				}
				if err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
					errs = append(errs, fmt.Errorf("retention: delete task: %w", err))
					continue
				}
				n++
			}
		}
	}
	return n, errors.Join(errs...)
}

// listAll pages through one list of tasks.
func listAll(list func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error), queue string) ([]*asynq.TaskInfo, error) {
	const size = 500
	var out []*asynq.TaskInfo
	for page := 1; ; page++ {
		tasks, err := list(queue, asynq.PageSize(size), asynq.Page(page))
		if err != nil {
			return out, fmt.Errorf("retention: list tasks in %s: %w", queue, err)
		}
		out = append(out, tasks...)
		if len(tasks) < size {
			return out, nil
		}
	}
}
