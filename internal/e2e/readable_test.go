package e2e_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// section is the HTML between the first start and the next end after it.
func section(t *testing.T, page, start, end string) string {
	t.Helper()
	i := strings.Index(page, start)
	if i < 0 {
		t.Fatalf("no %q in the page", start)
	}
	j := strings.Index(page[i:], end)
	if j < 0 {
		t.Fatalf("no %q after %q", end, start)
	}
	return page[i : i+j]
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// plain is the text of an HTML fragment, spaces folded.
func plain(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(s, " "))), " ")
}

// elements lists the text of every <tag>…</tag> in s.
func elements(s, tag string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<`+tag+`>(.*?)</`+tag+`>`).FindAllStringSubmatch(s, -1) {
		out = append(out, plain(m[1]))
	}
	return out
}

// TestDeskReadsLikeProse: what the desk shows people reads as words, in the
// viewer's language: people by name in the history and one entry per claim,
// changed sentences whole in the diff, plain excerpts, language names,
// human file sizes and counts with their plural forms.
func TestDeskReadsLikeProse(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	ana, cookie := b.queueUser("ana.editor@example.org", "Ana Editor", "editor", "")
	id, _ := b.deskReady(map[string]string{"language": "es", "title": "Nuestra calle", "consent_photos": "true",
		"body": "Me llamo **Rosa** y vivo en Austin. Escríbeme a rosa.prueba@example.org por favor.\n\nNuestra familia llegó en 2015 con muy poco. Los niños van a la escuela del barrio."},
		file{"calle.jpg", "image/jpeg", wideJPEG(t, 800, 600)})

	// One click on "Claim" from the submission page.
	resp, _ := b.deskPage("/desk/s/"+id+"/assign", cookie, url.Values{"user_id": {"me"}, "expect": {""}, "next": {"/desk/s/" + id}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim: %d", resp.StatusCode)
	}
	_, page := b.deskPage("/desk/s/"+id+"?lang=en", cookie, nil)
	history := section(t, page, `<ol class="timeline">`, `</ol>`)
	t.Logf("history: %s", plain(history))
	if strings.Contains(history, ana.ID) || strings.Contains(history, ana.Email) {
		t.Errorf("the history shows the editor by id or e-mail, not by name:\n%s", plain(history))
	}
	if !strings.Contains(history, "Ana Editor") {
		t.Errorf("the history does not name Ana Editor:\n%s", plain(history))
	}
	if n := strings.Count(history, `data-action="assign`); n != 1 {
		t.Errorf("one claim shows as %d history entries, want 1:\n%s", n, plain(history))
	}

	// Another editor takes it over: named, with whom it was taken from.
	_, benCookie := b.queueUser("ben.editor@example.org", "Ben Editor", "editor", "")
	resp, _ = b.deskPage("/desk/s/"+id+"/assign", benCookie, url.Values{"user_id": {"me"}, "expect": {ana.ID}, "next": {"/desk/s/" + id}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("take over: %d", resp.StatusCode)
	}
	_, page = b.deskPage("/desk/s/"+id+"?lang=en", benCookie, nil)
	history = plain(section(t, page, `<ol class="timeline">`, `</ol>`))
	if !strings.Contains(history, "Ana Editor – took it on") || !strings.Contains(history, "Ben Editor – took it over from Ana Editor") ||
		strings.Count(history, "took it") != 2 {
		t.Errorf("history after the take-over:\n%s", history)
	}

	// The photo's size, the language and the counts, in English and Spanish.
	_, pageES := b.deskPage("/desk/s/"+id+"?lang=es", cookie, nil)
	for _, c := range []struct {
		page, what string
		want       *regexp.Regexp
	}{
		{page, "size", regexp.MustCompile(`\(image/jpeg, \d+(\.\d)? kB\)`)},
		{pageES, "size", regexp.MustCompile(`\(image/jpeg, \d+(,\d)? kB\)`)},
		{page, "language", regexp.MustCompile(`<dd>Spanish</dd>`)},
		{pageES, "language", regexp.MustCompile(`<dd>español</dd>`)},
		{page, "length", regexp.MustCompile(`\b\d+ words, 1 minute to read\b`)},
		{pageES, "length", regexp.MustCompile(`\b\d+ palabras, 1 minuto de lectura\b`)},
	} {
		if !c.want.MatchString(c.page) {
			t.Errorf("%s: no %s in the page:\n%s", c.what, c.want, plain(section(t, c.page, `<dl class="desk-meta">`, `</dl>`)+section(t, c.page, `<ul class="desk-files">`, `</ul>`)))
		}
	}

	// The queue row: plain excerpt, the language's name, one finding in the singular.
	for _, c := range []struct{ lang, language, finding string }{
		{"en", "Spanish", "1 identifying detail"}, {"es", "español", "1 dato identificativo"},
	} {
		_, queue := b.deskPage("/desk?lang="+c.lang, cookie, nil)
		row := plain(section(t, queue, `<tr data-href="/desk/s/`+id, `</tr>`))
		t.Logf("%s queue row: %s", c.lang, row)
		if strings.Contains(row, "**") || !strings.Contains(row, "Me llamo Rosa y vivo en Austin.") {
			t.Errorf("%s: the excerpt shows Markdown or lost its words: %s", c.lang, row)
		}
		if !strings.Contains(row, "· "+c.language) || !strings.Contains(row, c.finding) {
			t.Errorf("%s: the queue row lacks %q or %q:\n%s", c.lang, c.language, c.finding, row)
		}
	}

	// The editor changes one sentence: the diff strikes it whole and inserts the new one whole.
	edited := "Me llamo **Rosa** y vivo en Austin. Escríbeme a rosa.prueba@example.org por favor.\n\nNuestra familia llegó en 2016 con casi nada. Los niños van a la escuela del barrio."
	if resp, _ := b.deskFollow("/desk/s/"+id+"/edit", cookie, url.Values{"title": {"Nuestra calle"}, "body": {edited}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	for _, c := range []struct{ lang, deleted, inserted string }{
		{"en", "deleted:", "inserted:"}, {"es", "texto eliminado:", "texto añadido:"},
	} {
		_, diff := b.deskPage("/desk/s/"+id+"/diff?a=1&b=2&lang="+c.lang, cookie, nil)
		body := section(t, diff, `<pre class="diff">`, `</pre>`)
		dels, inss := elements(body, "del"), elements(body, "ins")
		t.Logf("%s diff: %s", c.lang, plain(body))
		want := []string{c.deleted + " Nuestra familia llegó en 2015 con muy poco.", c.inserted + " Nuestra familia llegó en 2016 con casi nada."}
		if len(dels) != 1 || len(inss) != 1 || dels[0] != want[0] || inss[0] != want[1] {
			t.Errorf("%s diff: deleted %q, inserted %q; want the old and the new sentence whole, each once: %q", c.lang, dels, inss, want)
		}
	}
}
