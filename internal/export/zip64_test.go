package export

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestZip64Sizes writes an entry of more than 4 GiB and one after it, whose
// offset is past 4 GiB too: both need the ZIP64 extra field. The zeros
// become a hole in a sparse file, so the test costs CRC time, not disk.
func TestZip64Sizes(t *testing.T) {
	const big = 1<<32 + 1000
	path := filepath.Join(t.TempDir(), "big.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw, err := newZipWriter(sparse{f}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2026, 7, 4, 10, 0, 0, 0, time.UTC)
	w, err := zw.CreateHeader(zipHeader{Name: "zeros.bin", Method: zipStore, Modified: mod})
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	var crc uint32
	for left := int64(big); left > 0; {
		n := min(left, int64(len(zeros)))
		if _, err := w.Write(zeros[:n]); err != nil {
			t.Fatal(err)
		}
		crc = crc32.Update(crc, crc32.IEEETable, zeros[:n])
		left -= n
	}
	after := []byte("the entry after four gigabytes\n")
	if w, err = zw.CreateHeader(zipHeader{Name: "after.txt", Method: zipDeflate, Modified: mod}); err != nil {
		t.Fatal(err)
	}
	w.Write(after)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		t.Fatal(err)
	}

	zr, err := zip.NewReader(f, size)
	if err != nil {
		t.Fatalf("archive/zip: %v", err)
	}
	if len(zr.File) != 2 {
		t.Fatalf("archive/zip reads %d entries, want 2", len(zr.File))
	}
	z := zr.File[0]
	if z.UncompressedSize64 != big || z.CompressedSize64 != big || z.CRC32 != crc {
		t.Errorf("big entry: size %d, compressed %d, CRC %08x; want %d, %d, %08x", z.UncompressedSize64, z.CompressedSize64, z.CRC32, big, big, crc)
	}
	rc, err := zr.File[1].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, after) {
		t.Errorf("entry after 4 GiB: %q, %v", got, err)
	}

	entries, read := python(t, path, "after.txt")
	if len(entries) != 2 || entries[0].Size != big || entries[0].CRC != crc || read["after.txt"] != sha(after) {
		t.Errorf("Python reads %+v, %v", entries, read)
	}
}

// sparse writes runs of zeros as holes.
type sparse struct{ f *os.File }

func (s sparse) Write(p []byte) (int, error) {
	if len(p) >= 64<<10 && bytes.Count(p, []byte{0}) == len(p) {
		if _, err := s.f.Seek(int64(len(p)), io.SeekCurrent); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return s.f.Write(p)
}
