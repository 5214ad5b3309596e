package cli

import (
	"context"
	"errors"
)

// export writes the staff export archive. The archive writer arrives with
// the publish-and-export work (issue 4); until then the command says so.
func export(ctx context.Context, env Env, args []string) error {
	return errors.New("export: not available in this version yet")
}
