// Package deletion keeps the deletion log: one entry per submission that
// StoryDesk deleted (and one per withdrawal, until then), so that a restored backup (or a database copied back by
// other means) cannot bring a withdrawn or expired piece back. The log is
// re-applied by the restore command and on every start.
//
// It lives in the bucket, under blob.DeletionLogPrefix, not in the
// database: a database restore would roll a table back with the rows it
// guards, and every instance of a multi-instance deployment shares the
// bucket but not a disk. Backups leave the prefix out and restores never
// touch it. An entry is one object (no read-modify-write, so instances
// append at once safely) and holds hashes only: the SHA-256 of the
// submission's id (its name) and of each object key that went with it. No
// title, name, contact or text, and not even the id in the clear.
package deletion

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/storydesk/storydesk/internal/blob"
)

// Entry is one deleted (or withdrawn) submission.
type Entry struct {
	Submission string    `json:"submission"` // Hash of its id
	DeletedAt  time.Time `json:"deleted_at"`
	Objects    []string  `json:"objects"` // Hash of each object key deleted with it
}

// Log reads and appends the deletion log in the bucket.
type Log struct {
	blob *blob.Store
}

// New returns the log kept in bl's bucket.
func New(bl *blob.Store) *Log { return &Log{blob: bl} }

// Hash is the log's one-way form of an id or object key.
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Append records that submission id and the objects keys were deleted.
// Writing the same entry twice is harmless.
func (l *Log) Append(ctx context.Context, id string, keys []string, at time.Time) error {
	e := Entry{Submission: Hash(id), DeletedAt: at.UTC(), Objects: []string{}}
	for _, k := range keys {
		e.Objects = append(e.Objects, Hash(k))
	}
	return l.put(ctx, blob.DeletionLogKey(e.Submission), e)
}

// put writes entry e under key; writing it again is harmless.
func (l *Log) put(ctx context.Context, key string, e Entry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("deletion log: %w", err)
	}
	if err := l.blob.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "application/json"); err != nil {
		return fmt.Errorf("deletion log: %w", err)
	}
	return nil
}

// AppendWithdrawal records that the submitter of submission id withdrew
// consent: until retention deletes the piece, a restore must not bring it
// back as it was (published, pitched, exportable).
func (l *Log) AppendWithdrawal(ctx context.Context, id string, at time.Time) error {
	e := Entry{Submission: Hash(id), DeletedAt: at.UTC(), Objects: []string{}}
	return l.put(ctx, blob.WithdrawalLogKey(e.Submission), e)
}

// Submissions returns the hashes of every deleted submission's id: a
// listing only, cheap enough for every start.
func (l *Log) Submissions(ctx context.Context) (map[string]bool, error) {
	return l.hashes(ctx, blob.DeletionLogPrefix)
}

// Withdrawals returns the hashes of every withdrawn submission's id.
func (l *Log) Withdrawals(ctx context.Context) (map[string]bool, error) {
	return l.hashes(ctx, blob.WithdrawalLogPrefix)
}

// hashes lists the entries directly under prefix.
func (l *Log) hashes(ctx context.Context, prefix string) (map[string]bool, error) {
	keys, err := l.blob.Keys(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("deletion log: %w", err)
	}
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		if h := strings.TrimPrefix(k, prefix); !strings.Contains(h, "/") {
			out[h] = true
		}
	}
	return out, nil
}

// Erased is the whole log as a restore needs it: the hashes of the deleted
// submissions and of their object keys.
type Erased struct {
	Submissions map[string]bool
	Objects     map[string]bool
}

// Covers reports whether object key belongs to what the log erased.
func (e Erased) Covers(key string) bool {
	if e.Objects[Hash(key)] {
		return true
	}
	id, ok := blob.SubmissionOf(key)
	return ok && e.Submissions[Hash(id)]
}

// Read loads every entry.
func (l *Log) Read(ctx context.Context) (Erased, error) {
	subs, err := l.Submissions(ctx)
	if err != nil {
		return Erased{}, err
	}
	e := Erased{Submissions: subs, Objects: map[string]bool{}}
	for h := range subs {
		o, err := l.blob.Open(ctx, blob.DeletionLogKey(h))
		if err != nil {
			return Erased{}, fmt.Errorf("deletion log: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(o, 1<<20))
		o.Close()
		if err != nil {
			return Erased{}, fmt.Errorf("deletion log: read %s: %w", h, err)
		}
		var entry Entry
		if err := json.Unmarshal(data, &entry); err != nil {
			return Erased{}, fmt.Errorf("deletion log: entry %s: %w", h, err)
		}
		for _, k := range entry.Objects {
			e.Objects[k] = true
		}
	}
	return e, nil
}
