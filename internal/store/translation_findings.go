package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// RecordTranslationFindings stores findings, the automated review's JSON
// array for revision number of submission id's translation into lang, and
// marks the outbox row taskID done, in one transaction. It is a
// compare-and-set: the findings are written only if
// number is still the translation's latest revision and the findings do not
// already describe it or a later one. It reports whether it wrote them; a
// redelivered or outdated task writes nothing. ErrNotFound when the
// translation is gone (the piece was purged).
func (s *Store) RecordTranslationFindings(ctx context.Context, id, lang string, number int, findings []byte, taskID string) (bool, error) {
	var changed bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// updated_at stays: checking is not a change to the translation.
		res, err := tx.ExecContext(ctx, `UPDATE translations SET findings = $1, findings_revision = $2
			WHERE submission_id = $3 AND language = $4 AND findings_revision < $2
				AND $2 = (SELECT MAX(number) FROM translation_revisions WHERE submission_id = $3 AND language = $4)`,
			nullJSON(findings), number, id, lang)
		if err != nil {
			return err
		}
		c, err := rowsAffected(res)
		if err != nil {
			return err
		}
		if c == 0 {
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM translations WHERE submission_id = $1 AND language = $2`, id, lang).Scan(&one); err != nil {
				return notFound(err)
			}
		}
		changed = c > 0
		if err := markDone(ctx, tx, taskID); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: record translation findings %s %s: %w", id, lang, err)
	}
	return changed, nil
}
