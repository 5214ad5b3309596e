package server

import (
	"bytes"
	"log/slog"
	"net/http"

	"github.com/storydesk/storydesk/web"
)

// headAsGet answers HEAD wherever GET is answered, as HTTP requires: uptime
// checkers and link previews send HEAD. The request is routed as a GET;
// net/http sends the headers and drops the body for the HEAD it still is.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			r = r.Clone(r.Context())
			r.Method = http.MethodGet
		}
		next.ServeHTTP(w, r)
	})
}

// crossOriginRefusal answers a state-changing request that the browser
// marked cross-origin. The API keeps a JSON error; a person gets a page in
// their language saying what to do. The usual cause is no attack at all but
// plain HTTP from another machine: without HTTPS (or localhost) a browser
// sends "Origin: null" under our no-referrer policy and refuses __Host-
// cookies, so every form fails (docs/operations.md).
func crossOriginRefusal(rd *web.Renderer, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"error":"cross-origin request refused"}` + "\n"))
			return
		}
		p := &web.Page{Lang: rd.Lang(r.Header.Get("Accept-Language"), r.URL.Query().Get("lang")), Path: r.URL.Path,
			Code: http.StatusForbidden, Errors: map[string]string{"": "cross_origin"}}
		var buf bytes.Buffer
		if err := rd.Render(&buf, "error", p); err != nil {
			log.Error("render error page", "err", err)
			http.Error(w, "Cross-origin request refused.", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusForbidden)
		w.Write(buf.Bytes())
	})
}
