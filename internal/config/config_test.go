package config

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(getenv(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr: ":8080", BaseURL: "http://localhost:8080", DataDir: "./data",
		DatabaseURL: "sqlite://data/storydesk.db", S3Bucket: "storydesk", S3Region: "us-east-1",
		MaxFileMB: 20, MaxFiles: 5, SubmitRate: 20,
		SubmitGlobalRate: 300, RetainContactDays: 30, RetainRejectedDays: 30, RetainUnreviewedDays: 180,
		ImageMemoryMB: 256,
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if !c.EmbeddedRedis() || !c.EmbeddedS3() {
		t.Error("no service URLs should mean the embedded default")
	}
}

func TestLoadValues(t *testing.T) {
	c, err := Load(getenv(map[string]string{
		"STORYDESK_DATABASE_URL":    "postgres://u@db:5432/sd",
		"STORYDESK_REDIS_URL":       "redis://:pw@redis:6379/0",
		"STORYDESK_S3_ENDPOINT":     "s3:7070",
		"STORYDESK_S3_ACCESS_KEY":   "a",
		"STORYDESK_S3_SECRET_KEY":   "b",
		"STORYDESK_S3_TLS":          "true",
		"STORYDESK_SECRET":          strings.Repeat("x", 32),
		"STORYDESK_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
		"STORYDESK_SUBMIT_RATE":     "0",

		"STORYDESK_TEST_REVIEW_PAUSE": "5s",
		"STORYDESK_TEST_JOB_PERIOD":   "2s",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.EmbeddedRedis() || c.EmbeddedS3() || !c.S3TLS || c.SubmitRate != 0 || len(c.Secret) != 32 || c.TestReviewPause != 5*time.Second || c.TestJobPeriod != 2*time.Second {
		t.Errorf("values not taken: %+v", c)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32"), netip.MustParsePrefix("192.168.0.0/16")}
	if diff := cmp.Diff(want, c.TrustedProxies, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("proxies (-want +got):\n%s", diff)
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		env  map[string]string
		name string
	}{
		{map[string]string{"STORYDESK_MAX_FILE_MB": "lots"}, "STORYDESK_MAX_FILE_MB"},
		{map[string]string{"STORYDESK_MAX_FILES": "-1"}, "STORYDESK_MAX_FILES"},
		{map[string]string{"STORYDESK_IMAGE_MEMORY_MB": "8"}, "STORYDESK_IMAGE_MEMORY_MB"},
		{map[string]string{"STORYDESK_DATABASE_URL": "mysql://x"}, "STORYDESK_DATABASE_URL"},
		{map[string]string{"STORYDESK_REDIS_URL": "localhost:6379"}, "STORYDESK_REDIS_URL"},
		{map[string]string{"STORYDESK_S3_ENDPOINT": "http://s3:9000"}, "STORYDESK_S3_ENDPOINT"},
		{map[string]string{"STORYDESK_S3_ENDPOINT": "s3:9000"}, "STORYDESK_S3_ACCESS_KEY"},
		{map[string]string{"STORYDESK_S3_TLS": "yes please"}, "STORYDESK_S3_TLS"},
		{map[string]string{"STORYDESK_SECRET": "short"}, "STORYDESK_SECRET"},
		{map[string]string{"STORYDESK_METRICS_TOKEN": "short"}, "STORYDESK_METRICS_TOKEN"},
		{map[string]string{"STORYDESK_METRICS_ADDR": ":9090"}, "STORYDESK_METRICS_ADDR"}, // no token
		{map[string]string{"STORYDESK_METRICS_ADDR": "9090", "STORYDESK_METRICS_TOKEN": "0123456789abcdef0123"}, "STORYDESK_METRICS_ADDR"},
		{map[string]string{"STORYDESK_LOG_FORMAT": "xml"}, "STORYDESK_LOG_FORMAT"},
		{map[string]string{"STORYDESK_TEST_REVIEW_PAUSE": "5"}, "STORYDESK_TEST_REVIEW_PAUSE"},
		{map[string]string{"STORYDESK_TEST_JOB_PERIOD": "2"}, "STORYDESK_TEST_JOB_PERIOD"},
		{map[string]string{"STORYDESK_TRUSTED_PROXIES": "proxy.example"}, "STORYDESK_TRUSTED_PROXIES"},
		{map[string]string{"STORYDESK_BASE_URL": "ftp://x"}, "STORYDESK_BASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(getenv(tt.env))
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tt.name) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q should be one line naming %s", err, tt.name)
			}
		})
	}
}
