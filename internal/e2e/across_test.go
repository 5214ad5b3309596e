package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// TestAcrossInstances runs two serve processes over one database, Redis and
// bucket, as two hosts would (each its own data directory, the secret from
// STORYDESK_SECRET): a session made on one works on the other and ends on
// both; failed sign-ins on one count toward the throttle on the other; the
// submission limit is one limit; a download link signed by one verifies on
// the other.
//
// Each check is also run against a pair whose second serve keeps its state
// to itself (another secret, another Redis database), and must fail there:
// the checks can tell shared state from per-process state.
func TestAcrossInstances(t *testing.T) {
	t.Parallel()
	checks := []struct {
		name string
		run  func(*pair) error
		// perProcess: the check fails when the second serve has its own
		// secret and Redis. Sessions live in the shared database, so no
		// such set-up separates them.
		perProcess bool
	}{
		{"session", (*pair).sessionAcross, false},
		{"login throttle", (*pair).throttleAcross, true},
		{"submission limit", (*pair).limitAcross, true},
		{"signed link", (*pair).linkAcross, true},
	}
	p := startPair(t, false)
	for _, c := range checks {
		if err := c.run(p); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	own := startPair(t, true)
	for _, c := range checks {
		if err := c.run(own); c.perProcess && err == nil {
			t.Errorf("%s passed with a second serve of its own secret and Redis database: the check cannot see shared state", c.name)
		}
	}
}

// pair is two serve processes over one bundle's services.
type pair struct {
	t    *testing.T
	b    *bundle
	a, z string // the two serves' base URLs
}

// submitRate is the pair's STORYDESK_SUBMIT_RATE.
const submitRate = 4

// startPair starts a bundle and two serve processes on its services;
// apart gives the second one its own secret and Redis database.
func startPair(t *testing.T, apart bool) *pair {
	t.Helper()
	bin := buildBinary(t)
	b := setup(t, options{db: "postgres", env: map[string]string{
		"STORYDESK_SECRET":          testenv.RandomHex(32),
		"STORYDESK_SUBMIT_RATE":     fmt.Sprint(submitRate),
		"STORYDESK_TRUSTED_PROXIES": "127.0.0.1",
	}})
	serve := func(over map[string]string) string {
		env := map[string]string{}
		for k, v := range b.env {
			env[k] = v
		}
		env["STORYDESK_DATA_DIR"] = t.TempDir()
		for k, v := range over {
			env[k] = v
		}
		return "http://" + startProcess(t, bin, env, "serve").waitLine(t, "StoryDesk is listening on ")
	}
	p := &pair{t: t, b: b, a: serve(nil)}
	if apart {
		p.z = serve(map[string]string{"STORYDESK_SECRET": testenv.RandomHex(32), "STORYDESK_REDIS_URL": strings.TrimSuffix(b.env["STORYDESK_REDIS_URL"], "/0") + "/1"})
	} else {
		p.z = serve(nil)
	}
	b.acctUser("ed@example.org", "editor", "")
	return p
}

// send makes one request to base+path from client address from (the
// serves trust 127.0.0.1's X-Forwarded-For), without following redirects.
func (p *pair) send(base, method, path, from string, body io.Reader, hdr map[string]string) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("X-Forwarded-For", from)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := deskClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw, err
}

// login posts the sign-in form to base.
func (p *pair) login(base, from, password string) (int, string, error) {
	form := url.Values{"email": {"ed@example.org"}, "password": {password}}
	code, hdr, _, err := p.send(base, http.MethodPost, "/login", from, strings.NewReader(form.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	cookie := ""
	for _, c := range (&http.Response{Header: hdr}).Cookies() {
		if c.Name == "__Host-storydesk" {
			cookie = c.Name + "=" + c.Value
		}
	}
	return code, cookie, err
}

// sessionAcross: a session made on one serve opens the desk on the other,
// and signing out on the other ends it on the first.
func (p *pair) sessionAcross() error {
	const from = "192.0.2.44"
	code, cookie, err := p.login(p.a, from, acctPassword)
	if err != nil || code != http.StatusSeeOther || cookie == "" {
		return fmt.Errorf("sign-in on the first serve: %d, cookie %q, %v", code, cookie, err)
	}
	account := func(base string) (int, error) {
		code, _, _, err := p.send(base, http.MethodGet, "/account", from, nil, map[string]string{"Cookie": cookie})
		return code, err
	}
	if code, err := account(p.z); err != nil || code != http.StatusOK {
		return fmt.Errorf("the first serve's session on the second: GET /account %d, %v", code, err)
	}
	if code, _, _, err := p.send(p.z, http.MethodPost, "/logout", from, nil, map[string]string{"Cookie": cookie}); err != nil || code != http.StatusSeeOther {
		return fmt.Errorf("sign-out on the second serve: %d, %v", code, err)
	}
	if code, err := account(p.a); err != nil || code != http.StatusSeeOther {
		return fmt.Errorf("after signing out on the second serve, GET /account on the first: %d, %v; want 303 to /login", code, err)
	}
	return nil
}

// throttleAcross guesses wrong passwords on both serves in turn: the
// throttle's ten free failures are shared, so a guess is refused (429)
// before twenty failures; serves that counted alone would allow ten each.
func (p *pair) throttleAcross() error {
	const from = "203.0.113.9"
	for failures := 0; failures < 20; {
		base := []string{p.a, p.z}[failures%2]
		code, _, err := p.login(base, from, "not the password")
		switch {
		case err != nil:
			return err
		case code == http.StatusTooManyRequests:
			if failures < 10 {
				return fmt.Errorf("throttled after %d failures, before the 10 free ones", failures)
			}
			return nil
		case code != http.StatusUnauthorized:
			return fmt.Errorf("wrong password: %d", code)
		}
		failures++
	}
	return fmt.Errorf("20 failures, 10 on each serve, and no 429: each serve throttles alone")
}

// limitAcross submits on both serves in turn from one client: the limit
// of submitRate an hour is one limit, so the next one is refused.
func (p *pair) limitAcross() error {
	const from = "198.51.100.7"
	for n := 0; n < 2*submitRate; n++ {
		body, ct := form(p.t, fieldsWith("title", fmt.Sprintf("Limit %d", n)))
		code, _, raw, err := p.send([]string{p.a, p.z}[n%2], http.MethodPost, "/api/v1/submissions", from, body, map[string]string{"Content-Type": ct})
		switch {
		case err != nil:
			return err
		case code == http.StatusTooManyRequests:
			if n != submitRate {
				return fmt.Errorf("refused after %d submissions, want %d", n, submitRate)
			}
			return nil
		case code != http.StatusCreated:
			return fmt.Errorf("submission %d: %d %s", n, code, raw)
		}
	}
	return fmt.Errorf("%d submissions accepted under a limit of %d an hour: each serve counts alone", 2*submitRate, submitRate)
}

// linkAcross: an attachment's download link signed by the first serve is
// honoured by the second, and serves the same bytes.
func (p *pair) linkAcross() error {
	const from = "192.0.2.80"
	pdf := testenv.MinimalPDF()
	body, ct := form(p.t, fieldsWith("title", "Signed link"), file{"scan.pdf", "application/pdf", pdf})
	code, _, raw, err := p.send(p.a, http.MethodPost, "/api/v1/submissions", from, body, map[string]string{"Content-Type": ct})
	if err != nil || code != http.StatusCreated {
		return fmt.Errorf("submit: %d %s %v", code, raw, err)
	}
	var sub struct{ ID string }
	if err := json.Unmarshal(raw, &sub); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	auth := map[string]string{"Authorization": "Bearer " + p.b.token}
	code, _, raw, err = p.send(p.a, http.MethodGet, "/api/v1/submissions/"+sub.ID, from, nil, auth)
	var rec struct {
		Attachments []struct {
			DownloadURL string `json:"download_url"`
		}
	}
	if err != nil || code != http.StatusOK || json.Unmarshal(raw, &rec) != nil || len(rec.Attachments) != 1 {
		return fmt.Errorf("record on the first serve: %d %.200s %v", code, raw, err)
	}
	u, err := url.Parse(rec.Attachments[0].DownloadURL)
	if err != nil {
		return err
	}
	code, _, got, err := p.send(p.z, http.MethodGet, u.RequestURI(), from, nil, auth)
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("the first serve's link on the second: %d %.200s %v", code, got, err)
	}
	if !bytes.HasPrefix(got, []byte("%PDF")) {
		return fmt.Errorf("the link served %.40q, not the PDF", got)
	}
	return nil
}
