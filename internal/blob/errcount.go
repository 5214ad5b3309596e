package blob

import (
	"net/http"
	"strings"
)

// errorCounter reports each S3 request that failed: no answer at all, a
// 5xx, or a refusal of our credentials (401, 403). A 404 is an answer
// (Exists and Open ask), and minio-go's retries are counted one by one, as
// each is a request the service failed.
type errorCounter struct {
	next    http.RoundTripper
	bucket  string
	onError func(op string)
}

// RoundTrip implements http.RoundTripper.
func (e errorCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := e.next.RoundTrip(r)
	if err != nil || resp.StatusCode >= 500 || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		e.onError(s3Op(r, e.bucket))
	}
	return resp, err
}

// s3Op names a request's operation class from its method and address
// alone: a label that never holds a key.
func s3Op(r *http.Request, bucket string) string {
	q := r.URL.Query()
	p := strings.Trim(r.URL.Path, "/")
	object := strings.Contains(p, "/") // path-style: /bucket/key
	if strings.HasPrefix(r.URL.Host, bucket+".") {
		object = p != "" // virtual-host style: bucket.host/key
	}
	switch {
	case r.Method == http.MethodPut || (r.Method == http.MethodPost && (q.Has("uploads") || q.Has("uploadId"))):
		if !object {
			return "bucket"
		}
		return "put"
	case r.Method == http.MethodDelete, r.Method == http.MethodPost && q.Has("delete"):
		return "delete"
	case r.Method == http.MethodHead && object:
		return "stat"
	case r.Method == http.MethodGet && object:
		return "get"
	case r.Method == http.MethodGet && (q.Has("list-type") || q.Has("uploads") || q.Has("versions") || q.Has("prefix")):
		return "list"
	}
	return "bucket"
}
