package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/storydesk/storydesk/internal/render"
)

// manifests spools manifest.csv and manifest.json to temporary files while
// the pieces stream into the archive, so no list of rows is kept in memory.
type manifests struct {
	csvFile, jsonFile *os.File
	csvBuf, jsonBuf   *bufio.Writer
	csv               *csv.Writer
	rows              int
}

var csvHeader = []string{"id", "kind", "title", "byline", "byline_kind", "site", "language", "status",
	"submitted_at", "published_at", "word_count", "attachments", "folder", "languages"}

func newManifests(dir string) (*manifests, error) {
	cf, err := spoolFile(dir, "export-csv-*")
	if err != nil {
		return nil, err
	}
	jf, err := spoolFile(dir, "export-json-*")
	if err != nil {
		cf.Close()
		os.Remove(cf.Name())
		return nil, err
	}
	m := &manifests{csvFile: cf, jsonFile: jf, csvBuf: bufio.NewWriter(cf), jsonBuf: bufio.NewWriter(jf)}
	m.csv = csv.NewWriter(m.csvBuf)
	if err := m.csv.Write(csvHeader); err != nil {
		m.remove()
		return nil, fmt.Errorf("export: manifest.csv: %w", err)
	}
	m.jsonBuf.WriteString("[")
	return m, nil
}

func (m *manifests) add(r Row) error {
	rec := []string{r.ID, r.Kind, r.Title, r.Byline, r.BylineKind, r.Site, r.Language, r.Status,
		r.SubmittedAt, r.PublishedAt, strconv.Itoa(r.WordCount), strings.Join(r.Attachments, ";"), r.Folder,
		strings.Join(r.Languages, ";")}
	for i := range rec {
		rec[i] = CSVCell(rec[i])
	}
	if err := m.csv.Write(rec); err != nil {
		return fmt.Errorf("export: manifest.csv: %w", err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("export: manifest.json: %w", err)
	}
	if m.rows > 0 {
		m.jsonBuf.WriteString(",")
	}
	m.jsonBuf.WriteString("\n")
	m.jsonBuf.Write(b)
	m.rows++
	return nil
}

// writeTo appends both manifests to the archive, dated mod.
func (m *manifests) writeTo(zw *zipWriter, mod time.Time) error {
	m.csv.Flush()
	m.jsonBuf.WriteString("\n]\n")
	for _, f := range []struct {
		name string
		buf  *bufio.Writer
		file *os.File
		err  error
	}{{"manifest.csv", m.csvBuf, m.csvFile, m.csv.Error()}, {"manifest.json", m.jsonBuf, m.jsonFile, nil}} {
		if f.err != nil {
			return fmt.Errorf("export: %s: %w", f.name, f.err)
		}
		if err := f.buf.Flush(); err != nil {
			return fmt.Errorf("export: %s: %w", f.name, err)
		}
		if _, err := f.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("export: %s: %w", f.name, err)
		}
		fw, err := zw.CreateHeader(zipHeader{Name: f.name, Method: zipDeflate, Modified: mod})
		if err != nil {
			return fmt.Errorf("export: %s: %w", f.name, err)
		}
		if _, err := io.Copy(fw, f.file); err != nil {
			return fmt.Errorf("export: %s: %w", f.name, err)
		}
	}
	return nil
}

func (m *manifests) remove() {
	for _, f := range []*os.File{m.csvFile, m.jsonFile} {
		f.Close()
		os.Remove(f.Name())
	}
}

// CSVCell neutralises a cell a spreadsheet would run as a formula by
// prefixing a quote, as OWASP recommends. Which separator a spreadsheet
// splits on depends on its locale (";" in Spanish and most of Europe), and
// a quoted line break can become a row of its own, so the cell is
// neutralised when it, or any piece a split on ; , tab or a line break
// leaves (leading spaces trimmed), starts with = + - or @, or when the cell
// starts with a tab or a carriage return.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	for piece := range strings.FieldsFuncSeq(s, isCSVSeparator) {
		if piece = strings.TrimLeftFunc(piece, unicode.IsSpace); piece != "" && strings.ContainsRune("=+-@", rune(piece[0])) {
			return "'" + s
		}
	}
	return s
}

func isCSVSeparator(r rune) bool { return r == ';' || r == ',' || r == '\t' || r == '\n' || r == '\r' }

// consentJSON writes what the author agreed to, without the real name unless
// the byline is the real name, and who approved each translation and when:
// the author (through the receipt code, so never named), or an editor in
// their stead, with the reason the editor wrote.
func consentJSON(w io.Writer, p render.Piece, publish string, photos bool, translations ...Approval) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if translations == nil {
		translations = []Approval{}
	}
	return enc.Encode(map[string]any{
		"id": p.ID, "publish": publish, "photos": photos,
		"byline_kind": p.Byline.Kind, "byline": p.Byline.Text(p.Language), "photo_credits": credits(p),
		"translations": translations,
	})
}

func credits(p render.Piece) []string {
	out := []string{}
	for i := range p.Images {
		out = append(out, p.Credit(i))
	}
	return out
}
