package store

import (
	"context"
	"fmt"
	"strings"
)

// ExportTranslation is an approved translation of an export piece. Editor
// is the name on the account of the editor who approved it in the
// author's stead ("" when the author approved, or the account has no name).
type ExportTranslation struct {
	Translation
	Editor string
}

// approvedTranslations returns the approved translations of the pieces
// ids, by piece and then by language: the only ones an export carries (a
// draft, or one the author has not approved, never leaves the building).
// One query per batch, so a batch of pieces costs one round trip more.
func approvedTranslations(ctx context.Context, q queryer, ids []string) (map[string][]ExportTranslation, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{string(TranslationApproved), ApprovedByAuthor}
	ph := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	rows, err := q.QueryContext(ctx, `SELECT `+translationColumns+`, COALESCE(u.name, '')`+translationLatest+`
		LEFT JOIN users u ON u.id = t.approved_by AND t.approved_by <> $2
		WHERE t.status = $1 AND t.submission_id IN (`+strings.Join(ph, ", ")+`)
		ORDER BY t.submission_id, t.language`, args...)
	if err != nil {
		return nil, fmt.Errorf("approved translations: %w", err)
	}
	defer rows.Close()
	out := map[string][]ExportTranslation{}
	for rows.Next() {
		var et ExportTranslation
		if et.Translation, err = scanTranslation(extraScanner{r: rows, extra: []any{&et.Editor}}); err != nil {
			return nil, fmt.Errorf("approved translations: %w", err)
		}
		out[et.SubmissionID] = append(out[et.SubmissionID], et)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("approved translations: %w", err)
	}
	return out, nil
}
