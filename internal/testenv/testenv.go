// Package testenv hands tests the real services they run against:
// PostgreSQL, Redis and an S3 server (the Versity gateway).
//
// The README's test command (scripts/test) starts whatever is missing and
// exports the STORYDESK_TEST_* variables read here. A service that cannot be
// reached fails the test loudly; nothing is skipped.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/storydesk/storydesk/internal/blob"
)

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// PostgresAdminURL is the server the tests create their databases on.
func PostgresAdminURL() string {
	return env("STORYDESK_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
}

// PostgresURL creates a fresh, empty database for one test and drops it
// when the test ends. It returns its URL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := PostgresAdminURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("testenv: postgres: %v", err)
	}
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("testenv: PostgreSQL is not reachable at %s (run scripts/test, which starts it): %v", admin, err)
	}
	name := "storydesk_test_" + RandomHex(6)
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testenv: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("testenv: parse %s: %v", admin, err)
	}
	u.Path = "/" + name
	return u.String()
}

// RedisAddr returns the host:port of the real redis-server the tests use,
// after checking that it answers.
func RedisAddr(t testing.TB) string {
	t.Helper()
	addr := env("STORYDESK_TEST_REDIS_ADDR", "127.0.0.1:6379")
	conn, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		t.Fatalf("testenv: Redis is not reachable at %s (run scripts/test, which starts it): %v", addr, err)
	}
	conn.Close()
	return addr
}

// S3 describes the S3 server that tests use.
type S3 struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Region    string
}

// Env is the configuration that points a StoryDesk at s, with a fresh
// bucket of its own (it creates the bucket on start).
func (s S3) Env() map[string]string {
	return map[string]string{
		"STORYDESK_S3_ENDPOINT":   s.Endpoint,
		"STORYDESK_S3_ACCESS_KEY": s.AccessKey,
		"STORYDESK_S3_SECRET_KEY": s.SecretKey,
		"STORYDESK_S3_REGION":     s.Region,
		"STORYDESK_S3_BUCKET":     "t-" + RandomHex(6),
	}
}

// S3Server returns the S3 server started by scripts/test (the Versity gateway),
// after checking that it answers.
func S3Server(t testing.TB) S3 {
	t.Helper()
	s := S3{
		Endpoint:  os.Getenv("STORYDESK_TEST_S3_ENDPOINT"),
		AccessKey: env("STORYDESK_TEST_S3_ACCESS_KEY", "storydesk"),
		SecretKey: env("STORYDESK_TEST_S3_SECRET_KEY", "storydesk-secret"),
		Region:    env("STORYDESK_TEST_S3_REGION", "us-east-1"),
	}
	if s.Endpoint == "" {
		t.Fatalf("testenv: STORYDESK_TEST_S3_ENDPOINT is not set: run the tests with scripts/test, which starts the Versity S3 gateway")
	}
	conn, err := net.DialTimeout("tcp", s.Endpoint, 3*time.Second)
	if err != nil {
		t.Fatalf("testenv: S3 server is not reachable at %s (run scripts/test): %v", s.Endpoint, err)
	}
	conn.Close()
	return s
}

// Bucket returns a blob store over a fresh bucket of its own on the test S3
// server.
func Bucket(t testing.TB) *blob.Store {
	t.Helper()
	s := S3Server(t)
	bl, err := blob.New(blob.Options{Endpoint: s.Endpoint, AccessKey: s.AccessKey, SecretKey: s.SecretKey,
		Bucket: "t-" + RandomHex(6), Region: s.Region})
	if err != nil {
		t.Fatal(err)
	}
	if err := bl.EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return bl
}

// RandomHex returns 2n random hex characters, for unique names.
func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("testenv: random: %v", err))
	}
	return hex.EncodeToString(b)
}
