package sanitize

import (
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// storyMarkdown returns a realistic story of about 8 KiB: paragraphs with
// accents, emphasis, a link, a list, a quote and a stray bit of raw HTML.
func storyMarkdown() string {
	const para = "Llegué a este país con mi hija cuando ella tenía seis años. " +
		"We walked for *days*, and I still remember the **cold** at night. " +
		"The people at the [shelter](https://example.org/shelter?id=42) gave us " +
		"blankets and a place to sleep; www.example.org has their address.\n\n"
	var b strings.Builder
	b.WriteString("# Mi historia\n\n")
	for b.Len() < 7*1024 {
		b.WriteString(para)
		b.WriteString("> Nunca olvidaré su bondad.\n\n- trabajo\n- escuela\n- <b>familia</b>\n\n")
	}
	return b.String()
}

func BenchmarkBody(b *testing.B) {
	s := New()
	src := storyMarkdown()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := s.Body(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLine(b *testing.B) {
	s := New()
	const title = "  Mi historia: <b>cómo</b> llegué &amp; me quedé \u202e en Texas  "
	for b.Loop() {
		_ = s.Line(title)
	}
}

// BenchmarkBodyBombs measures issue 11's amplification bodies; html-bytes
// is the HTML returned (0 once they are refused).
//
//	go test -run '^$' -bench BodyBombs -benchtime 3x ./internal/sanitize/
func BenchmarkBodyBombs(b *testing.B) {
	s := New()
	for _, bomb := range []struct{ name, body string }{
		{"table", testenv.TableBomb()},
		{"reference", testenv.ReferenceBomb()},
		{"honest", testenv.LongStory()},
	} {
		b.Run(bomb.name, func(b *testing.B) {
			b.SetBytes(int64(len(bomb.body)))
			var out string
			for b.Loop() {
				out, _ = s.Body(bomb.body)
			}
			b.ReportMetric(float64(len(out)), "html-bytes")
		})
	}
}
