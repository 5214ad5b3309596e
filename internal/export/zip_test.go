package export

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// zipCase is one entry to write and to expect back.
type zipCase struct {
	name   string
	method uint16
	mod    time.Time
	data   []byte
}

func TestZipRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	photo := make([]byte, 100<<10)
	for i := range photo {
		photo[i] = byte(rng.Uint32())
	}
	t1 := time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)
	t2 := time.Date(2031, 12, 31, 23, 59, 59, 0, time.FixedZone("CST", -6*3600))
	cases := []zipCase{
		{"p1/piece.md", zipDeflate, t1, []byte(strings.Repeat("We came in 2015. ", 2000))},
		{"p1/attachments/photo-1.jpg", zipStore, t2, photo},
		{"año/niño ñ — “quotes”.md", zipDeflate, t2, []byte("¿Dónde está?\n")},
		{"p1/empty-stored", zipStore, t1, nil},
		{"p1/empty-deflated", zipDeflate, t1, nil},
		{"manifest.csv", zipDeflate, time.Time{}, []byte("id,title\n1,x\n")},
	}
	data := writeZip(t, cases)
	checkZip(t, data, cases)
}

func TestZipEmpty(t *testing.T) {
	data := writeZip(t, nil)
	if len(data) != 22 {
		t.Errorf("empty archive is %d bytes, want the 22-byte end record alone", len(data))
	}
	checkZip(t, data, []zipCase{})
}

// TestZipBigEntry streams entries larger than every buffer on the way.
func TestZipBigEntry(t *testing.T) {
	rng := rand.New(rand.NewChaCha8([32]byte{2}))
	noise := make([]byte, 12<<20)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	text := bytes.Repeat([]byte("Every morning we wonder whether today is the day.\n"), 300_000)
	mod := time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)
	cases := []zipCase{{"noise.bin", zipStore, mod, noise}, {"noise.z", zipDeflate, mod, noise}, {"text.txt", zipDeflate, mod, text}}
	checkZip(t, writeZip(t, cases), cases)
}

// TestZipManyEntries crosses the 16-bit entry count: 65,535 itself is the
// "see ZIP64" marker, so it needs the ZIP64 records as much as 70,000 does.
func TestZipManyEntries(t *testing.T) {
	for _, n := range []int{65_535, 70_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			mod := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
			cases := make([]zipCase, n)
			for i := range cases {
				method := zipStore
				if i%100 == 0 { // a deflate now and then: resetting the compressor 70,000 times is slow
					method = zipDeflate
				}
				cases[i] = zipCase{fmt.Sprintf("p%05d/piece.md", i), method, mod, []byte(fmt.Sprintf("piece %d\n", i))}
			}
			data := writeZip(t, cases)
			if !bytes.Contains(data[len(data)-100:], le.AppendUint32(nil, sigEnd64)) {
				t.Error("no ZIP64 end of central directory record")
			}
			checkZip(t, data, cases)
		})
	}
}

// TestZipHeapFlat is why zipWriter exists: the heap in use must not grow
// with the number of entries (archive/zip's grows ~250 bytes an entry).
func TestZipHeapFlat(t *testing.T) {
	zw, err := newZipWriter(io.Discard, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Discard()
	add := func(from, to int) {
		for i := from; i < to; i++ {
			w, err := zw.CreateHeader(zipHeader{Name: fmt.Sprintf("p%06d/consent.json", i), Method: zipStore, Modified: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(w, `{"id": %d}`, i)
		}
	}
	add(0, 1_000)
	before := liveHeap()
	add(1_000, 100_000)
	if grew := int64(liveHeap()) - int64(before); grew > 256<<10 {
		t.Errorf("live heap grew %d KiB over 99,000 entries, want it flat", grew>>10)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestZipEntryEnds checks that an entry's writer stops at the next entry
// and that the spooled directory is removed.
func TestZipEntryEnds(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw, err := newZipWriter(&buf, dir)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := zw.Create("a")
	if _, err := zw.Create("b"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("late")); err == nil {
		t.Error("writing to an ended entry succeeded")
	}
	if _, err := zw.Create("bad\xff"); err == nil {
		t.Error("a name that is not UTF-8 was accepted")
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left in the spool directory: %v", left)
	}
	if err := zw.Close(); err == nil {
		t.Error("second Close succeeded")
	}
}

func writeZip(t *testing.T, cases []zipCase) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := newZipWriter(&buf, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		w, err := zw.CreateHeader(zipHeader{Name: c.name, Method: c.method, Modified: c.mod})
		if err != nil {
			t.Fatal(err)
		}
		for rest := c.data; len(rest) > 0; { // in uneven pieces, as renderers write
			n := min(len(rest), 1+len(rest)%70_001)
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
