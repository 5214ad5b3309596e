package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/limit"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

const (
	markerIP = "198.51.100.173"
	markerUA = "MarkerBrowser/7.731 (zqx)"
)

// TestNoTraceOfSubmitter submits through the API and the form from a marker
// address (believed: it comes through a trusted proxy and drives the rate
// limit) with a marker user agent, then searches every log line, every
// table, every Redis key and value and every stored object for the
// markers and the receipt codes: none may be found.
func TestNoTraceOfSubmitter(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true, env: map[string]string{
				"STORYDESK_TRUSTED_PROXIES": "127.0.0.1", "STORYDESK_SUBMIT_RATE": "20"}})
			hdr := func(req *http.Request) {
				req.Header.Set("X-Forwarded-For", markerIP)
				req.Header.Set("User-Agent", markerUA)
			}
			body, ct := form(t, validFields(), file{"photo.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
			req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", body)
			req.Header.Set("Content-Type", ct)
			hdr(req)
			code, res := b.do(req)
			if code != http.StatusCreated {
				t.Fatalf("submit: %d %v", code, res)
			}
			id, apiReceipt := res["id"].(string), res["receipt"].(string)

			f := validFields()
			f["ui_lang"] = "es"
			body, ct = form(t, f)
			req, _ = http.NewRequest(http.MethodPost, b.url+"/submit", body)
			req.Header.Set("Content-Type", ct)
			hdr(req)
			jar, _ := cookiejar.New(nil) // the receipt page comes after a redirect, through its cookie
			resp, err := (&http.Client{Jar: jar}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			page := new(bytes.Buffer)
			page.ReadFrom(resp.Body)
			resp.Body.Close()
			formReceipt := receiptOn(page.String())
			if resp.StatusCode != http.StatusOK || formReceipt == "" {
				t.Fatalf("form submit: %d, receipt %q", resp.StatusCode, formReceipt)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("receipt page Cache-Control %q, want no-store", cc)
			}
			js, _ := json.Marshal(map[string]string{"receipt": apiReceipt})
			req, _ = http.NewRequest(http.MethodPost, b.url+"/api/v1/status", bytes.NewReader(js))
			req.Header.Set("Content-Type", "application/json")
			hdr(req)
			if code, _ := b.do(req); code != http.StatusOK {
				t.Fatalf("status: %d", code)
			}
			b.waitStatus(id, "ready", 15*time.Second)

			// The address was believed: the limiter counted it under its hash.
			lim := limit.New(nil, b.app.Config.Secret)
			if keys := b.app.Redis.Keys(context.Background(), "sd:rl:submit:"+lim.ClientKey(markerIP)+":*").Val(); len(keys) != 1 {
				t.Fatalf("no rate-limit counter for the forwarded address (keys %v): the marker was not used", keys)
			}
			rawCodes := []string{apiReceipt, strings.ReplaceAll(apiReceipt, "-", ""), formReceipt}
			needles := append([]string{markerIP, markerUA, "MarkerBrowser", "127.0.0.1"}, rawCodes...)
			// Positive control: the search does find what is stored.
			if len(b.findAnywhere([]string{"Maria Lopez"})) == 0 {
				t.Fatal("the search finds the stored author name nowhere: it is not searching")
			}
			for _, where := range b.findAnywhere(needles) {
				t.Error(where)
			}
			// The receipt is findable only through its keyed hash.
			if dump := b.dumpTables(); !strings.Contains(dump["submissions"], id) {
				t.Fatal("the dump does not hold the submission: is it reading the right database?")
			}
		})
	}
}

// TestStatusLookupTiming: unknown and malformed codes get the same status
// and body, and their median times are within a factor of each other. Not
// parallel: other tests' load would be noise in the times it compares.
func TestStatusLookupTiming(t *testing.T) {
	b := setup(t, options{db: "sqlite", env: map[string]string{"STORYDESK_TRUSTED_PROXIES": "127.0.0.1"}})
	lookup := func(i int, code string) (time.Duration, int, string) {
		js, _ := json.Marshal(map[string]string{"receipt": code})
		req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/status", bytes.NewReader(js))
		req.Header.Set("Content-Type", "application/json")
		// Each look-up from another address, so the hourly limit is not reached.
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i%250+1))
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		buf := new(bytes.Buffer)
		buf.ReadFrom(resp.Body)
		resp.Body.Close()
		return time.Since(start), resp.StatusCode, buf.String()
	}
	for i := range 10 { // warm up connections and caches
		lookup(i, "AAAA-BBBB-CCCC-DDDD")
	}
	var unknown, malformed []time.Duration
	var want string
	for i := range 50 {
		d1, c1, b1 := lookup(2*i, fmt.Sprintf("ABCD-EFGH-JKMN-%04d", i))
		d2, c2, b2 := lookup(2*i+1, fmt.Sprintf("not a code %d!", i))
		if want == "" {
			want = b1
		}
		if c1 != http.StatusNotFound || c2 != http.StatusNotFound || b1 != want || b2 != want {
			t.Fatalf("answers differ: %d %q / %d %q", c1, b1, c2, b2)
		}
		unknown, malformed = append(unknown, d1), append(malformed, d2)
	}
	mu, mm := medianOf(unknown), medianOf(malformed)
	t.Logf("median unknown %v, malformed %v", mu, mm)
	if mu > 3*mm || mm > 3*mu {
		t.Errorf("median times differ by more than a factor of 3: unknown %v, malformed %v", mu, mm)
	}
}

func medianOf(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

var offSiteRef = regexp.MustCompile(`(?i)https?://|(?:src|href|action|srcset)\s*=\s*["']?//|url\(\s*["']?//`)

// TestPublicPagesLoadNothingExternal renders every public page, in both
// languages, and finds no reference to another origin.
func TestPublicPagesLoadNothingExternal(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	code, res := b.submit(validFields())
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	receipt := res["receipt"].(string)
	formHdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for _, lang := range []string{"en", "es"} {
		pages := map[string]func() (int, string, http.Header){
			"/":              func() (int, string, http.Header) { return b.page("GET", "/?lang="+lang, nil, nil) },
			"/privacy":       func() (int, string, http.Header) { return b.page("GET", "/privacy?lang="+lang, nil, nil) },
			"/status":        func() (int, string, http.Header) { return b.page("GET", "/status?lang="+lang, nil, nil) },
			"/login":         func() (int, string, http.Header) { return b.page("GET", "/login?lang="+lang, nil, nil) },
			"/nowhere (404)": func() (int, string, http.Header) { return b.page("GET", "/nowhere?lang="+lang, nil, nil) },
			"POST /status": func() (int, string, http.Header) {
				v := url.Values{"receipt": {receipt}, "ui_lang": {lang}}
				return b.page("POST", "/status", strings.NewReader(v.Encode()), formHdr)
			},
			"POST /submit": func() (int, string, http.Header) {
				f := validFields()
				f["ui_lang"] = lang
				body, ct := form(t, f)
				return b.page("POST", "/submit", body, map[string]string{"Content-Type": ct})
			},
		}
		for name, get := range pages {
			code, body, hdr := get()
			if code >= 500 || !strings.Contains(body, "<html") {
				t.Errorf("%s (%s): %d, not a page", name, lang, code)
				continue
			}
			if m := offSiteRef.FindAllString(body, -1); len(m) > 0 {
				t.Errorf("%s (%s) refers to another origin: %v", name, lang, m)
			}
			if strings.HasPrefix(name, "POST") && hdr.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", name, hdr.Get("Cache-Control"))
			}
		}
	}
	body, ct := form(t, validFields())
	req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", body)
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("API submission: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

// TestConsentTextMatchesForm: the form shows exactly the consent wording of
// store.ConsentVersion, in each language; change the form's wording and this
// fails until a new version with the new text is added.
func TestConsentTextMatchesForm(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	for _, lang := range []string{"en", "es"} {
		_, body, _ := b.page("GET", "/?lang="+lang, nil, nil)
		text := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, "\n"))
		lines, ok := store.ConsentText(store.ConsentVersion, lang)
		if !ok {
			t.Fatalf("no consent text for %s", lang)
		}
		for _, line := range lines {
			if !strings.Contains(text, line) {
				t.Errorf("%s form does not show %q of consent version %s", lang, line, store.ConsentVersion)
			}
		}
	}
}
