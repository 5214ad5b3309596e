package export

import (
	"bufio"
	"compress/flate"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"time"
	"unicode/utf8"
)

// Compression methods of zipHeader.Method.
const (
	zipStore   uint16 = 0
	zipDeflate uint16 = 8
)

// zipHeader describes one entry of the archive.
type zipHeader struct {
	Name     string    // slash-separated, UTF-8
	Method   uint16    // zipStore or zipDeflate
	Modified time.Time // zero: 1980-01-01, with no extended timestamp
}

// zipWriter writes a ZIP archive to a stream with no per-entry state in
// memory. archive/zip keeps a FileHeader for every entry until Close, to
// write the central directory from; an export of 10,000 pieces has some
// 50,000 entries, and its heap grew by ~18 MiB for them. Here each entry's
// central directory record is appended to a temporary file the moment the
// entry ends, and copied into the archive at Close.
//
// Entries are streamed: the CRC-32 and sizes follow the data in a data
// descriptor (flag bit 3), so nothing is buffered. ZIP64 records are
// written when the archive needs them: 65,535 entries or more, or an offset
// or size of 4 GiB or more. The API follows archive/zip's: CreateHeader and
// Create return the entry's writer, which is valid until the next call;
// Close finishes the archive. Discard removes the temporary file of an
// archive that will not be finished.
type zipWriter struct {
	out     *countWriter // the archive
	buf     *bufio.Writer
	dir     *os.File // central directory records, spooled
	dirBuf  *bufio.Writer
	entries uint64
	cur     *zipEntry
	flate   *flate.Writer // reused: each compressor allocates ~1 MiB
	closed  bool
}

// newZipWriter returns a writer of an archive to w that spools its central
// directory in dir ("" = the system's temporary directory).
func newZipWriter(w io.Writer, dir string) (*zipWriter, error) {
	f, err := spoolFile(dir, "export-zipdir-*")
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(w, 64<<10)
	return &zipWriter{out: &countWriter{w: buf}, buf: buf, dir: f, dirBuf: bufio.NewWriterSize(f, 64<<10)}, nil
}

// Create adds a deflated entry with no modification time.
func (z *zipWriter) Create(name string) (io.Writer, error) {
	return z.CreateHeader(zipHeader{Name: name, Method: zipDeflate})
}

// CreateHeader adds an entry and returns the writer of its contents, which
// is valid until the next CreateHeader, Create or Close.
func (z *zipWriter) CreateHeader(h zipHeader) (io.Writer, error) {
	if z.closed {
		return nil, errors.New("zip: archive closed")
	}
	if err := z.finishEntry(); err != nil {
		return nil, err
	}
	if !utf8.ValidString(h.Name) || len(h.Name) > max16 {
		return nil, fmt.Errorf("zip: name %q is not UTF-8 or too long", h.Name)
	}
	if h.Method != zipStore && h.Method != zipDeflate {
		return nil, fmt.Errorf("zip: %s: unsupported method %d", h.Name, h.Method)
	}
	e := &zipEntry{name: h.Name, method: h.Method, offset: z.out.n, crc: crc32.NewIEEE()}
	e.date, e.time, e.extra = dosTime(h.Modified)
	if _, err := z.out.Write(localHeader(e)); err != nil {
		return nil, fmt.Errorf("zip: %s: %w", h.Name, err)
	}
	e.start = z.out.n
	e.data = z.out
	if h.Method == zipDeflate {
		if z.flate == nil {
			fw, err := flate.NewWriter(z.out, 5) // archive/zip's level
			if err != nil {
				return nil, fmt.Errorf("zip: %w", err)
			}
			z.flate = fw
		} else {
			z.flate.Reset(z.out)
		}
		e.data = z.flate
	}
	z.cur = e
	return e, nil
}

// finishEntry ends the current entry: its data descriptor goes into the
// archive and its central directory record into the spool.
func (z *zipWriter) finishEntry() error {
	e := z.cur
	if e == nil {
		return nil
	}
	z.cur, e.closed = nil, true
	if e.method == zipDeflate {
		if err := z.flate.Close(); err != nil {
			return fmt.Errorf("zip: %s: %w", e.name, err)
		}
	}
	e.crc32, e.csize = e.crc.Sum32(), z.out.n-e.start
	if _, err := z.out.Write(dataDescriptor(e)); err != nil {
		return fmt.Errorf("zip: %s: %w", e.name, err)
	}
	if _, err := z.dirBuf.Write(centralRecord(e)); err != nil {
		return fmt.Errorf("zip: spool directory: %w", err)
	}
	z.entries++
	return nil
}

// Close ends the last entry, copies the central directory into the
// archive, writes the end records and removes the temporary file. It does
// not close the underlying writer.
func (z *zipWriter) Close() error {
	if z.closed {
		return errors.New("zip: archive closed")
	}
	defer z.Discard()
	if err := z.finishEntry(); err != nil {
		return err
	}
	z.closed = true
	if err := z.dirBuf.Flush(); err != nil {
		return fmt.Errorf("zip: spool directory: %w", err)
	}
	if _, err := z.dir.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("zip: spool directory: %w", err)
	}
	start := z.out.n
	if _, err := io.Copy(z.out, z.dir); err != nil {
		return fmt.Errorf("zip: central directory: %w", err)
	}
	if _, err := z.out.Write(endRecords(z.entries, start, z.out.n-start, z.out.n)); err != nil {
		return fmt.Errorf("zip: end of central directory: %w", err)
	}
	if err := z.buf.Flush(); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return nil
}

// Discard removes the spooled directory. Close calls it; a caller that
// gives up on the archive calls it instead. It may be called more than once.
func (z *zipWriter) Discard() {
	z.closed = true
	if z.dir != nil {
		z.dir.Close()
		os.Remove(z.dir.Name())
		z.dir = nil
	}
}

// zipEntry is the entry being written; it is also its io.Writer.
type zipEntry struct {
	name        string
	method      uint16
	date, time  uint16
	extra       []byte // the extended timestamp field, or nil
	offset      uint64 // of the local header
	start       uint64 // of the data
	data        io.Writer
	crc         hash.Hash32
	size, csize uint64
	crc32       uint32
	closed      bool
}

// Write adds p to the entry's contents.
func (e *zipEntry) Write(p []byte) (int, error) {
	if e.closed {
		return 0, fmt.Errorf("zip: %s: write after the entry ended", e.name)
	}
	e.crc.Write(p)
	e.size += uint64(len(p))
	return e.data.Write(p)
}

// countWriter counts the bytes written through it: the offsets of the archive.
type countWriter struct {
	w io.Writer
	n uint64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += uint64(n)
	return n, err
}

// dosTime returns t as MS-DOS date and time (UTC, 2-second steps, clamped
// to 1980–2107) and the extended timestamp extra field (Unix seconds, as
// archive/zip writes it) that readers prefer.
func dosTime(t time.Time) (date, clock uint16, extra []byte) {
	if t.IsZero() {
		return 1<<5 | 1, 0, nil // 1980-01-01 00:00
	}
	t = t.UTC()
	if s := t.Unix(); s >= 0 && s <= max32 {
		extra = le.AppendUint16(nil, extraTime)
		extra = le.AppendUint16(extra, 5)
		extra = append(extra, 1) // modification time only
		extra = le.AppendUint32(extra, uint32(s))
	}
	switch {
	case t.Year() < 1980:
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	case t.Year() > 2107:
		t = time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock, extra
}
