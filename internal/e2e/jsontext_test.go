package e2e_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestJSONRefusesInvalidText: a JSON body with invalid UTF-8 or a lone
// surrogate escape is refused with 400 naming the field, as a multipart
// form is, and nothing is stored; a real surrogate pair (an emoji) passes.
func TestJSONRefusesInvalidText(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	code, res := b.submit(validFields())
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt := res["id"].(string), res["receipt"].(string)
	b.waitReady(id, 15*time.Second)
	rcpt, _ := json.Marshal(receipt)

	snapshot := func() string {
		_, rec := b.get("/api/v1/submissions/" + id)
		_, st := b.status(receipt)
		js, _ := json.Marshal([]any{rec["title"], rec["revisions"], rec["notes"], st["messages"]})
		return string(js)
	}
	before := snapshot()

	tests := []struct {
		name, method, path, body, field string
	}{
		{"reply raw bytes", http.MethodPost, "/api/v1/status/reply", `{"receipt":` + string(rcpt) + "," + `"message":"hola ` + "\xff\xfe" + `"}`, "message"},
		{"reply lone high surrogate", http.MethodPost, "/api/v1/status/reply", `{"receipt":` + string(rcpt) + `,"message":"hola \ud800"}`, "message"},
		{"reply lone low surrogate", http.MethodPost, "/api/v1/status/reply", `{"receipt":` + string(rcpt) + `,"message":"x","title":"t","body":"a \udc00 b"}`, "body"},
		{"reply overlong", http.MethodPost, "/api/v1/status/reply", `{"receipt":` + string(rcpt) + `,"message":"` + "\xc0\xaf" + `"}`, "message"},
		{"status receipt", http.MethodPost, "/api/v1/status", "{\"receipt\":\"\xff\"}", "receipt"},
		{"edit title", http.MethodPut, "/api/v1/submissions/" + id, `{"title":"New \uD83D title"}`, "title"},
		{"edit body", http.MethodPut, "/api/v1/submissions/" + id, "{\"title\":\"New\",\"body\":\"text \xed\xa0\x80 surrogate in UTF-8\"}", "body"},
		{"edit pair reversed", http.MethodPut, "/api/v1/submissions/" + id, `{"body":"\ude00\ud83d"}`, "body"},
		{"note", http.MethodPost, "/api/v1/submissions/" + id + "/notes", `{"text":"\ud83d\u0041"}`, "text"},
		{"sign-in", http.MethodPost, "/api/v1/sessions", "{\"email\":\"editor@example.org\",\"password\":\"\xff\"}", "password"},
		{"note NUL", http.MethodPost, "/api/v1/submissions/" + id + "/notes", `{"text":"a\u0000b"}`, "text"},
		{"key", http.MethodPost, "/api/v1/submissions/" + id + "/notes", "{\"te\xffxt\":\"hello\"}", "request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, res := b.call(tt.method, tt.path, b.token, tt.body)
			fields, _ := res["fields"].(map[string]any)
			if code != http.StatusBadRequest || fields[tt.field] == nil {
				t.Errorf("%d %v, want 400 naming %s", code, res, tt.field)
			}
		})
	}
	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("refused requests changed the piece (-before +after):\n%s", diff)
	}

	code, res = b.call(http.MethodPost, "/api/v1/submissions/"+id+"/notes", b.token, `{"text":"ok \ud83d\ude00 \u00f1"}`)
	if code/100 != 2 {
		t.Errorf("a valid surrogate pair: %d %v", code, res)
	}
}

// TestQueryRefusesInvalidText: query parameters follow the same rule as
// bodies: 400 naming the parameter under /api/, an error page elsewhere, on
// either database.
func TestQueryRefusesInvalidText(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			for _, param := range []string{"q", "site"} {
				code, res := b.get("/api/v1/submissions?" + param + "=a%FFb")
				fields, _ := res["fields"].(map[string]any)
				if code != http.StatusBadRequest || fields[param] == nil {
					t.Errorf("%s=a%%FFb: %d %v, want 400 naming %s", param, code, res, param)
				}
			}
			for _, path := range []string{"/stories?page=%FF", "/?lang=%C0%AF", "/status?x=%00"} {
				if code, _, _ := b.raw("GET", path, "", nil); code != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", path, code)
				}
			}
		})
	}
}
