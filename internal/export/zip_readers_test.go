package export

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The archives are read back by archive/zip and, as a second reader that
// shares no code with ours or Go's, by Python's zipfile: python3 is on every
// machine these tests run on, so its absence fails the test rather than
// skipping the check.

// checkZip reads data with archive/zip and Python's zipfile and compares
// what both read with cases.
func checkZip(t *testing.T, data []byte, cases []zipCase) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("archive/zip: %v", err)
	}
	if len(zr.File) != len(cases) {
		t.Fatalf("archive/zip reads %d entries, want %d", len(zr.File), len(cases))
	}
	for i, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		got, err := io.ReadAll(rc) // checks the CRC-32 at EOF
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if f.Flags&flagDescriptor == 0 || f.NonUTF8 || f.CRC32 != crc32.ChecksumIEEE(got) || f.UncompressedSize64 != uint64(len(got)) {
			t.Errorf("%s: flags %#x, non-UTF-8 %v, CRC %08x, size %d", f.Name, f.Flags, f.NonUTF8, f.CRC32, f.UncompressedSize64)
		}
		c := cases[i]
		if f.Name != c.name || f.Method != c.method || !bytes.Equal(got, c.data) {
			t.Errorf("entry %d: %q method %d, %d bytes; want %q method %d, %d bytes", i, f.Name, f.Method, len(got), c.name, c.method, len(c.data))
		}
		if want := wantModified(c.mod); !f.Modified.Equal(want) {
			t.Errorf("%s: modified %v, want %v", f.Name, f.Modified, want)
		}
	}
	checkPython(t, data, cases)
}

// wantModified is what a reader makes of mod: the extended timestamp's
// whole seconds, or the DOS epoch for no time.
func wantModified(mod time.Time) time.Time {
	if mod.IsZero() {
		return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return mod.Truncate(time.Second)
}

// pyEntry is one row of what the Python script prints.
type pyEntry struct {
	Name     string
	Size     uint64
	CRC      uint32
	Method   uint16
	DateTime [6]int
	Flags    uint16
}

const pyScript = `
import hashlib, json, sys, zipfile
path, names = sys.argv[1], sys.argv[2:]
with zipfile.ZipFile(path) as z:
    if not names:
        bad = z.testzip()  # reads every entry and checks its CRC-32
        if bad is not None:
            sys.exit("bad CRC-32 in " + bad)
    print(json.dumps({
        "entries": [[i.filename, i.file_size, i.CRC, i.compress_type, list(i.date_time), i.flag_bits] for i in z.infolist()],
        "read": {n: hashlib.sha256(z.read(n)).hexdigest() for n in names},
    }))
`

// python reads the archive at path with Python's zipfile: every entry, or
// only those named. It returns the entries and the SHA-256 of those read.
func python(t *testing.T, path string, names ...string) ([]pyEntry, map[string]string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 is not on PATH: these tests read every archive with Python's zipfile as a second, independent reader; install Python 3 (%v)", err)
	}
	out, err := exec.Command(py, append([]string{"-c", pyScript, path}, names...)...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("Python's zipfile rejects the archive: %v\n%s", err, stderr)
	}
	var res struct {
		Entries [][]json.RawMessage
		Read    map[string]string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("python output: %v", err)
	}
	entries := make([]pyEntry, len(res.Entries))
	for i, row := range res.Entries {
		e := &entries[i]
		for j, dst := range []any{&e.Name, &e.Size, &e.CRC, &e.Method, &e.DateTime, &e.Flags} {
			if err := json.Unmarshal(row[j], dst); err != nil {
				t.Fatalf("python output row %d: %v", i, err)
			}
		}
	}
	return entries, res.Read
}

func checkPython(t *testing.T, data []byte, cases []zipCase) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.zip")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	entries, _ := python(t, path)
	if len(entries) != len(cases) {
		t.Fatalf("Python reads %d entries, want %d", len(entries), len(cases))
	}
	for i, e := range entries {
		c := cases[i]
		m := wantModified(c.mod).UTC()
		want := pyEntry{c.name, uint64(len(c.data)), crc32.ChecksumIEEE(c.data), c.method,
			[6]int{m.Year(), int(m.Month()), m.Day(), m.Hour(), m.Minute(), m.Second() &^ 1}, flagDescriptor | flagUTF8}
		if e != want {
			t.Errorf("Python reads entry %d as %+v, want %+v", i, e, want)
		}
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
