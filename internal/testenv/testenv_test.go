package testenv

import (
	"bytes"
	"database/sql"
	"io"
	"slices"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/redis/go-redis/v9"
)

// These tests make a missing service fail the suite, rather than every
// package that needs it failing in its own way.

func TestPostgresURL(t *testing.T) {
	db, err := sql.Open("pgx", PostgresURL(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	var one int
	if err := db.QueryRowContext(t.Context(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1: got %d, %v", one, err)
	}
}

func TestRedisAddr(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: RedisAddr(t)})
	defer rdb.Close()
	if got, err := rdb.Ping(t.Context()).Result(); err != nil || got != "PONG" {
		t.Fatalf("PING: got %q, %v", got, err)
	}
}

func TestS3Server(t *testing.T) {
	s := S3Server(t)
	c, err := minio.New(s.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Region: s.Region,
	})
	if err != nil {
		t.Fatalf("minio.New: %v", err)
	}
	ctx := t.Context()
	bucket := "testenv-" + RandomHex(4)
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: s.Region}); err != nil {
		t.Fatalf("MakeBucket: %v", err)
	}
	buckets, err := c.ListBuckets(ctx)
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	if !slices.ContainsFunc(buckets, func(b minio.BucketInfo) bool { return b.Name == bucket }) {
		t.Fatalf("ListBuckets does not list %s: %v", bucket, buckets)
	}

	data := []byte("hello from testenv\n")
	_, err = c.PutObject(ctx, bucket, "hello.txt", bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{DisableContentSha256: true})
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	obj, err := c.GetObject(ctx, bucket, "hello.txt", minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	got, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %q, %v; want %q", got, err, data)
	}
	if err := c.RemoveObject(ctx, bucket, "hello.txt", minio.RemoveObjectOptions{}); err != nil {
		t.Fatalf("RemoveObject: %v", err)
	}
	if err := c.RemoveBucket(ctx, bucket); err != nil {
		t.Fatalf("RemoveBucket: %v", err)
	}
}
