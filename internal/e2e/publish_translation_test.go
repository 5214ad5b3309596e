package e2e_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// langFeed is the part of the Atom feed the language tests read: each
// entry's xml:lang and link.
type langFeed struct {
	Entries []struct {
		Lang  string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		Title string `xml:"title"`
		Link  struct {
			Href     string `xml:"href,attr"`
			Hreflang string `xml:"hreflang,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// langEntries reads the feed at path as "lang title" lines.
func langEntries(t *testing.T, b *bundle, path string) []string {
	t.Helper()
	code, body, _ := b.page(http.MethodGet, path, nil, nil)
	if code != http.StatusOK {
		t.Fatalf("%s: %d", path, code)
	}
	var f langFeed
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("%s is not Atom XML: %v", path, err)
	}
	var out []string
	for _, e := range f.Entries {
		if e.Link.Hreflang != e.Lang {
			t.Errorf("%s: entry %q has xml:lang %q but its link hreflang %q", path, e.Title, e.Lang, e.Link.Hreflang)
		}
		out = append(out, e.Lang+" "+e.Title)
	}
	slices.Sort(out)
	return out
}

// translated submits an English piece, approves it and adds a Spanish
// translation (in draft); it returns the id and the receipt code.
func translated(t *testing.T, b *bundle, title, esTitle string) (string, string) {
	t.Helper()
	code, res := b.submit(fieldsWith("title", title, "language", "en", "pseudonym", "La Abuela"))
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id := res["id"].(string)
	b.waitStatus(id, "ready", 10*time.Second)
	if code, res := deskDecide(b, id, b.token, "approve", ""); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/translations", b.token,
		map[string]string{"language": "es", "title": esTitle, "body": "Llegamos en **2015**."}); code != http.StatusCreated {
		t.Fatalf("translation: %d %v", code, res)
	}
	return id, res["receipt"].(string)
}

// publish queues the piece's publication and waits for it; it returns the
// slug and the site's base URL (from the record's publication url).
func publish(t *testing.T, b *bundle, id string) (string, string) {
	t.Helper()
	if code, res := b.call(http.MethodPost, "/api/v1/submissions/"+id+"/publish", b.token, ""); code != http.StatusAccepted {
		t.Fatalf("publish: %d %v", code, res)
	}
	pub := b.waitStatus(id, "published", 15*time.Second)["publication"].(map[string]any)
	slug := pub["slug"].(string)
	return slug, strings.TrimSuffix(pub["url"].(string), "/stories/"+slug)
}

// TestPublishTranslations: publishing a piece publishes its approved
// translation at /stories/{slug}/es, each page with hreflang alternates
// for both languages and x-default, lang on the content and a language
// switch; the list and the feed carry one entry per language (xml:lang,
// ?language=); the webhook notice lists both languages. A translation
// that is not approved never appears, one approved after publication
// appears, and a withdrawal takes every language down.
func TestPublishTranslations(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			var (
				mu      sync.Mutex
				notices = map[string]map[string]any{}
			)
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				var n map[string]any
				json.Unmarshal(body, &n)
				mu.Lock()
				defer mu.Unlock()
				notices[n["id"].(string)] = n
				w.WriteHeader(http.StatusNoContent)
			}))
			defer hook.Close()
			b := setup(t, options{db: db, workers: true, env: map[string]string{
				"STORYDESK_WEBHOOK_URL": hook.URL + "/hook", "STORYDESK_WEBHOOK_SECRET": "a-webhook-secret-for-tests",
			}})

			// One piece whose translation an editor approved before publication.
			id, receipt := translated(t, b, "Our street", "Nuestra calle")
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/translations/es/approve", b.token,
				map[string]string{"reason": "The author agreed by phone."}); code != http.StatusOK {
				t.Fatalf("approve translation: %d %v", code, res)
			}
			slug, base := publish(t, b, id)
			en, es := "/stories/"+slug, "/stories/"+slug+"/es"
			for _, c := range []struct{ path, lang, title, current string }{
				{en, "en", "Our street", en}, {es, "es", "Nuestra calle", es},
			} {
				code, page, hdr := b.page(http.MethodGet, c.path+"?lang=en", nil, nil)
				if code != http.StatusOK {
					t.Fatalf("%s: %d", c.path, code)
				}
				for _, want := range []string{
					`<link rel="alternate" hreflang="en" href="` + base + en + `">`,
					`<link rel="alternate" hreflang="es" href="` + base + es + `">`,
					`<link rel="alternate" hreflang="x-default" href="` + base + en + `">`,
					`<article class="story" lang="` + c.lang + `">`, "<h1>" + c.title + "</h1>",
					`<a href="` + en + `?lang=en" hreflang="en" lang="en"`, `<a href="` + es + `?lang=en" hreflang="es" lang="es"`,
					`href="` + c.current + `?lang=en" hreflang="` + c.lang + `" lang="` + c.lang + `" aria-current="page">`,
					"La Abuela", // the consent's byline, in every language
				} {
					if !strings.Contains(page, want) {
						t.Errorf("%s lacks %s", c.path, want)
					}
				}
				if strings.Contains(page, "Maria Lopez") {
					t.Errorf("%s shows the real name", c.path)
				}
				if strings.Count(page, `aria-current="page"`) != 1 || hdr.Get("Content-Language") != c.lang {
					t.Errorf("%s: %d current links, Content-Language %q", c.path, strings.Count(page, `aria-current="page"`), hdr.Get("Content-Language"))
				}
			}
			if code, page, _ := b.page(http.MethodGet, es, nil, nil); code != http.StatusOK || !strings.Contains(page, "<strong>2015</strong>") {
				t.Errorf("the Spanish page: %d, lacks its body", code)
			}
			if code, page, _ := b.page(http.MethodGet, "/stories/"+slug+"/en", nil, nil); code != http.StatusOK || !strings.Contains(page, "<h1>Our street</h1>") {
				t.Errorf("/stories/%s/en (the original's language): %d, want the original through a redirect", slug, code)
			}

			// A second piece published with a translation still in draft.
			later, laterReceipt := translated(t, b, "Our school", "Nuestra escuela")
			laterSlug, _ := publish(t, b, later)
			laterEs := "/stories/" + laterSlug + "/es"
			notApproved := func(stage string) {
				t.Helper()
				if code, _, _ := b.page(http.MethodGet, laterEs, nil, nil); code != http.StatusNotFound {
					t.Errorf("%s: %s answers %d, want 404", stage, laterEs, code)
				}
				_, page, _ := b.page(http.MethodGet, "/stories/"+laterSlug, nil, nil)
				_, list, _ := b.page(http.MethodGet, "/stories", nil, nil)
				for where, html := range map[string]string{"page": page, "list": list} {
					if strings.Contains(html, "Nuestra escuela") || strings.Contains(html, laterEs) || strings.Contains(page, "hreflang=\"es\" href") {
						t.Errorf("%s: the %s shows the unapproved translation", stage, where)
					}
				}
				if got := langEntries(t, b, "/stories/feed.xml"); slices.Contains(got, "es Nuestra escuela") {
					t.Errorf("%s: the feed holds the unapproved translation: %v", stage, got)
				}
			}
			notApproved("draft")
			if code, res := b.call(http.MethodPost, "/api/v1/submissions/"+later+"/translations/es/send", b.token, ""); code != http.StatusOK {
				t.Fatalf("send: %d %v", code, res)
			}
			notApproved("awaiting_author")
			if code, res := answerTranslation(b, laterReceipt, "es", "request_changes", "Mi nombre va sin acento."); code != http.StatusOK {
				t.Fatalf("request changes: %d %v", code, res)
			}
			notApproved("changes_requested")
			if code, res := b.deskCall(http.MethodPut, "/api/v1/submissions/"+later+"/translations/es", b.token,
				map[string]string{"title": "Nuestra escuela", "body": "Llegamos en 2016."}); code != http.StatusOK {
				t.Fatalf("edit: %d %v", code, res)
			}
			b.call(http.MethodPost, "/api/v1/submissions/"+later+"/translations/es/send", b.token, "")
			// The author approves after publication: the language is public at once.
			if code, res := answerTranslation(b, laterReceipt, "es", "approve", ""); code != http.StatusOK {
				t.Fatalf("author approval: %d %v", code, res)
			}
			if code, page, _ := b.page(http.MethodGet, laterEs, nil, nil); code != http.StatusOK || !strings.Contains(page, "Llegamos en 2016.") {
				t.Errorf("translation approved after publication: %s answers %d", laterEs, code)
			}
			if _, page, _ := b.page(http.MethodGet, "/stories/"+laterSlug, nil, nil); !strings.Contains(page, `hreflang="es" href="`+base+laterEs+`"`) {
				t.Errorf("the original does not link the translation approved after publication")
			}

			want := []string{"en Our school", "en Our street", "es Nuestra calle", "es Nuestra escuela"}
			if got := langEntries(t, b, "/stories/feed.xml"); !slices.Equal(got, want) {
				t.Errorf("feed = %v, want %v", got, want)
			}
			if got := langEntries(t, b, "/stories/feed.xml?language=es"); !slices.Equal(got, want[2:]) {
				t.Errorf("Spanish feed = %v, want %v", got, want[2:])
			}
			if code, _, _ := b.page(http.MethodGet, "/stories/feed.xml?language=fr", nil, nil); code != http.StatusBadRequest {
				t.Errorf("feed in an unknown language: %d, want 400", code)
			}
			_, list, _ := b.page(http.MethodGet, "/stories?language=es&lang=en", nil, nil)
			if !strings.Contains(list, `<a href="`+es+`?lang=en" lang="es" hreflang="es">Nuestra calle</a>`) || strings.Contains(list, ">Our street<") {
				t.Errorf("the Spanish list:\n%s", list)
			}
			_, list, _ = b.page(http.MethodGet, "/stories", nil, nil)
			for _, title := range []string{"Our street", "Nuestra calle", "Our school", "Nuestra escuela"} {
				if !strings.Contains(list, ">"+title+"</a>") {
					t.Errorf("the list lacks %s", title)
				}
			}

			// The notice lists the languages published with the piece.
			waitFor(t, 20*time.Second, "webhook notice", func() (bool, any) {
				mu.Lock()
				defer mu.Unlock()
				return notices[id] != nil, len(notices)
			})
			mu.Lock()
			n := notices[id]
			mu.Unlock()
			langs, _ := json.Marshal(n["languages"])
			wantLangs := `[{"language":"en","original":true,"title":"Our street","url":"` + base + en + `"},` +
				`{"language":"es","original":false,"title":"Nuestra calle","url":"` + base + es + `"}]`
			if string(langs) != wantLangs || n["language"] != "en" {
				t.Errorf("notice languages = %s (language %v), want %s", langs, n["language"], wantLangs)
			}
			_, rec := b.get("/api/v1/submissions/" + id)
			if got, _ := json.Marshal(rec["publication"].(map[string]any)["languages"]); !strings.Contains(string(got), `"url":"`+base+es+`"`) {
				t.Errorf("record's publication languages = %s", got)
			}

			// The author withdraws: every language goes.
			if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != http.StatusOK {
				t.Fatalf("withdraw: %d %v", code, res)
			}
			for _, path := range []string{en, es} {
				if code, _, _ := b.page(http.MethodGet, path, nil, nil); code != http.StatusGone {
					t.Errorf("withdrawn %s: %d, want 410", path, code)
				}
			}
			if got := langEntries(t, b, "/stories/feed.xml"); !slices.Equal(got, []string{"en Our school", "es Nuestra escuela"}) {
				t.Errorf("feed after withdrawal = %v", got)
			}
			_, list, _ = b.page(http.MethodGet, "/stories", nil, nil)
			if strings.Contains(list, "Nuestra calle") || strings.Contains(list, "Our street") {
				t.Errorf("the list still shows the withdrawn piece")
			}
		})
	}
}
