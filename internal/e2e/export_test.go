package e2e_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/cli"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/internal/testenv"
)

// exportFixture makes one piece of each consent case and returns their ids.
func exportFixture(b *bundle) map[string]string {
	b.t.Helper()
	ids := map[string]string{}
	ids["name"] = b.approved(fieldsWith("title", "Named", "consent_publish", "name", "author_name", "Rosa Named"))
	ids["pseudonym"] = b.approved(fieldsWith("title", "Masked", "consent_publish", "pseudonym", "author_name", "Real Pseudo Person", "pseudonym", "El Gallo",
		"body", "We came in **2015** and built a life here.\n\nOur children go to school in Austin."),
		file{"real_pseudo_person.jpg", "image/jpeg", testenv.JPEGWithGPS(b.t)})
	ids["anonymous"], _ = b.published(fieldsWith("title", `=HYPERLINK("http://evil.example","click")`, "consent_publish", "anonymous",
		"author_name", "Real Anon Person", "site", "El Paso"))
	ids["internal"] = b.approved(fieldsWith("title", "Internal only", "consent_publish", "internal", "author_name", "Real Internal Person"))
	ids["withdrawn"] = b.approved(fieldsWith("title", "Withdrawn one", "consent_publish", "name", "author_name", "Real Withdrawn Person"))
	if _, err := b.app.Store.Withdraw(context.Background(), ids["withdrawn"], task.ExportRevoke); err != nil {
		b.t.Fatal(err)
	}
	return ids
}

func TestExport(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			staff := b.editorToken("staff@example.org", "staff", "")
			ids := exportFixture(b)

			if code, _ := b.call(http.MethodPost, "/api/v1/exports", b.token, `{}`); code != http.StatusForbidden {
				t.Errorf("editor starts export: %d, want 403", code)
			}
			if code, res := b.call(http.MethodPost, "/api/v1/exports", staff, `{"status":"rejected"}`); code != http.StatusBadRequest ||
				res["fields"].(map[string]any)["status"] == nil {
				t.Errorf("bad status: %d %v", code, res)
			}
			if code, res := b.call(http.MethodPost, "/api/v1/exports", staff, `{"since":"yesterday"}`); code != http.StatusBadRequest ||
				res["fields"].(map[string]any)["since"] == nil {
				t.Errorf("bad since: %d %v", code, res)
			}
			code, res := b.call(http.MethodPost, "/api/v1/exports", staff, `{"status":"approved,published"}`)
			if code != http.StatusAccepted {
				t.Fatalf("start export: %d %v", code, res)
			}
			exp := res["id"].(string)
			if code, _ := b.call(http.MethodGet, "/api/v1/exports/"+exp, b.token, ""); code != http.StatusForbidden {
				t.Errorf("editor reads export: %d, want 403", code)
			}
			var st map[string]any
			waitFor(t, 30*time.Second, "export done", func() (bool, any) {
				_, st = b.call(http.MethodGet, "/api/v1/exports/"+exp, staff, "")
				return st["status"] == "done" || st["status"] == "failed", st
			})
			if st["status"] != "done" || st["progress"] != float64(1) || st["count"] != float64(3) {
				t.Fatalf("export = %v", st)
			}
			link := st["download_url"].(string)
			if code, _ := b.downloadAs(link, b.token); code != http.StatusForbidden {
				t.Errorf("editor downloads export: %d", code)
			}
			code, data := b.downloadAs(link, staff)
			if code != http.StatusOK {
				t.Fatalf("download: %d", code)
			}
			checkArchive(t, data, ids)
			if keys, _ := b.app.Blob.Keys(context.Background(), "exports/"); !slices.Equal(keys, []string{"exports/" + exp + ".zip"}) {
				t.Errorf("export objects = %v", keys)
			}

			// The command writes the same archive.
			out := filepath.Join(t.TempDir(), "export.zip")
			var stdout, stderr bytes.Buffer
			env := cli.Env{Args: []string{"export", "--out", out}, Stdout: &stdout, Stderr: &stderr,
				Getenv: func(k string) string { return b.env[k] }}
			if code := cli.Run(context.Background(), env); code != 0 {
				t.Fatalf("storydesk export: %d %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "3/3 pieces (100%)") {
				t.Errorf("progress lines: %q", stderr.String())
			}
			cliData, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			checkArchive(t, cliData, ids)
			env.Args = []string{"export", "--out", out, "--kind", "poem"}
			if code := cli.Run(context.Background(), env); code != 2 {
				t.Errorf("bad --kind: exit %d, want 2", code)
			}
			env.Args = []string{"export"}
			if code := cli.Run(context.Background(), env); code != 2 {
				t.Errorf("no --out: exit %d, want 2", code)
			}
		})
	}
}

// checkArchive opens an export and checks every promise it makes.
func checkArchive(t *testing.T, data []byte, ids map[string]string) {
	t.Helper()
	files := testenv.DOCXParts(t, data)
	for _, kind := range []string{"name", "pseudonym", "anonymous"} {
		for _, f := range []string{"piece.md", "piece.html", "piece.docx", "consent.json"} {
			if _, ok := files[ids[kind]+"/"+f]; !ok {
				t.Errorf("%s piece lacks %s", kind, f)
			}
		}
	}
	if _, ok := files[ids["pseudonym"]+"/attachments/photo-1.jpg"]; !ok {
		t.Error("the pseudonymous piece's consented photo is missing")
	}
	checkPhotoLinks(t, files, ids["pseudonym"])
	checkDOCX(t, files[ids["pseudonym"]+"/piece.docx"])
	for name := range files {
		for _, kind := range []string{"internal", "withdrawn"} {
			if strings.HasPrefix(name, ids[kind]) {
				t.Errorf("%s piece exported: %s", kind, name)
			}
		}
	}
	// Real names where consent asked otherwise: in no file, nor inside a DOCX.
	for name, content := range files {
		texts := [][]byte{content}
		if strings.HasSuffix(name, ".docx") {
			dz, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, f := range dz.File {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				texts = append(texts, b)
			}
		}
		for _, txt := range texts {
			for _, real := range []string{"Real Pseudo Person", "real_pseudo_person", "Real Anon Person", "Real Internal Person", "Real Withdrawn Person"} {
				if bytes.Contains(txt, []byte(real)) {
					t.Errorf("%s holds %q", name, real)
				}
			}
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(files["manifest.csv"])).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("manifest.csv: %d rows, %v", len(rows), err)
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	if got := byID[ids["anonymous"]][2]; got != `'=HYPERLINK("http://evil.example","click")` {
		t.Errorf("formula title in CSV = %q, want it neutralised", got)
	}
	if got := byID[ids["anonymous"]][3]; got != "Anonymous" {
		t.Errorf("anonymous byline = %q", got)
	}
	if got := byID[ids["name"]][3]; got != "Rosa Named" {
		t.Errorf("named byline = %q", got)
	}
	if got := byID[ids["pseudonym"]][11]; got != "photo-1.jpg" {
		t.Errorf("attachments = %q", got)
	}
	var manifest []map[string]any
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 3 {
		t.Fatalf("manifest.json: %d rows, %v", len(manifest), err)
	}
	for _, m := range manifest {
		if m["id"] == ids["anonymous"] && (m["status"] != "published" || m["published_at"] == "" || m["site"] != "El Paso") {
			t.Errorf("manifest row = %v", m)
		}
	}
}

func TestExportPage(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	b.approved(fieldsWith())
	staff := b.editorToken("staff2@example.org", "staff", "")
	code, res := b.call(http.MethodPost, "/api/v1/exports", staff, "")
	if code != http.StatusAccepted {
		t.Fatal(res)
	}
	waitFor(t, 30*time.Second, "export done", func() (bool, any) {
		_, st := b.call(http.MethodGet, "/api/v1/exports/"+res["id"].(string), staff, "")
		return st["status"] == "done", st
	})
	cookie := b.login("staff2@example.org")
	code, html, _ := b.page(http.MethodGet, "/desk/exports", nil, map[string]string{"Cookie": cookie})
	if code != http.StatusOK || !strings.Contains(html, "/api/v1/exports/"+res["id"].(string)+"/download?exp=") ||
		strings.Contains(html, `http-equiv="refresh"`) || strings.Contains(html, "<script") {
		t.Errorf("exports page: %d\n%s", code, html)
	}
	// What an export holds is said in the page's language, not in status codes.
	_, es, _ := b.page(http.MethodGet, "/desk/exports?lang=es", nil, map[string]string{"Cookie": cookie})
	if strings.Contains(es, "<td>approved") || strings.Contains(es, "<td>published") ||
		!(strings.Contains(es, "<td>Aprobado") || strings.Contains(es, "<td>Publicado")) {
		t.Errorf("the Spanish exports page names the filter in codes:\n%s", es[strings.Index(es, "<tbody>"):])
	}
	editorCookie := b.login("editor@example.org")
	if code, _, _ := b.page(http.MethodGet, "/desk/exports", nil, map[string]string{"Cookie": editorCookie}); code != http.StatusForbidden {
		t.Errorf("editor on exports page: %d, want 403", code)
	}
}

// checkPhotoLinks: every photo piece.md and piece.html show is a file in the
// archive, beside them.
func checkPhotoLinks(t *testing.T, files map[string][]byte, id string) {
	t.Helper()
	for name, re := range map[string]*regexp.Regexp{
		"piece.md": regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`), "piece.html": regexp.MustCompile(`<img[^>]* src="([^"]+)"`),
	} {
		refs := re.FindAllStringSubmatch(string(files[id+"/"+name]), -1)
		if len(refs) != 1 {
			t.Errorf("%s shows %d photos, want 1:\n%s", name, len(refs), files[id+"/"+name])
		}
		for _, r := range refs {
			if _, ok := files[id+"/"+r[1]]; !ok {
				t.Errorf("%s shows %s, which the archive does not hold", name, r[1])
			}
		}
	}
}
