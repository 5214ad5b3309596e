package intake

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"mime/multipart"
	"os"
	"sync"
	"sync/atomic"
)

// Spool holds attachments while their request is processed. A file of up
// to memFile bytes stays in memory while the bytes so held by all requests
// stay within memBudget; any other file goes to a private temp file. Under
// load most documents are small: creating, writing, reading back and
// removing a temp file was about a seventh of the server's CPU per 1 MiB
// submission (docs/benchmarks.md), and a file that never touches the disk
// leaves nothing there to recover.
type Spool struct {
	dir       string
	memFile   int64
	memBudget int64
	used      atomic.Int64
	// bufs recycles the memFile+1 byte buffers: a fresh 1 MiB buffer per
	// file costs as much CPU in zeroing, garbage collection and returning
	// memory to the OS as the temp file it replaces.
	bufs sync.Pool
}

// Defaults for NewSpool: eight 1 MiB documents at once, one per client of
// the intake benchmark, and 8 MiB at most whatever the load.
const (
	DefaultMemFile   = 1 << 20
	DefaultMemBudget = 8 << 20
)

// NewSpool returns a Spool writing temp files to dir, which must be private
// to StoryDesk (mode 0700). memBudget 0 keeps every file on disk.
func NewSpool(dir string, memFile, memBudget int64) *Spool {
	sp := &Spool{dir: dir, memFile: memFile, memBudget: memBudget}
	sp.bufs.New = func() any { b := make([]byte, memFile+1); return &b }
	return sp
}

// InMemory is the number of bytes reserved for files held in memory now.
func (sp *Spool) InMemory() int64 { return sp.used.Load() }

// reserve claims room for one in-memory file, if the budget has it.
func (sp *Spool) reserve() bool {
	if sp.memFile <= 0 {
		return false
	}
	for {
		u := sp.used.Load()
		if u+sp.memFile > sp.memBudget {
			return false
		}
		if sp.used.CompareAndSwap(u, u+sp.memFile) {
			return true
		}
	}
}

// take reads one file part, refusing it past max bytes. An empty part is
// dropped (nil, nil).
func (sp *Spool) take(p *multipart.Part, max int64) (*Upload, error) {
	if !sp.reserve() {
		return sp.file(p, nil, max)
	}
	bp := sp.bufs.Get().(*[]byte)
	// release gives the room back, and the buffer too unless its bytes were
	// the body of a failed PUT: the HTTP client may go on reading a body
	// after a request has failed, so that buffer is left to the collector.
	release := func(reuse bool) {
		if reuse {
			sp.bufs.Put(bp)
		}
		sp.used.Add(-sp.memFile)
	}
	n, err := io.ReadFull(io.LimitReader(p, min(max, sp.memFile)+1), *bp)
	data := (*bp)[:n]
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil // the part ended within the buffer
	}
	switch n := int64(n); {
	case err != nil:
		release(true)
		return nil, readError(err)
	case n > max:
		release(true)
		return nil, tooLarge(max)
	case n > sp.memFile:
		// Too large to keep: what was read goes to disk with the rest.
		u, err := sp.file(p, data, max)
		release(true)
		return u, err
	case n == 0:
		release(true)
		return nil, nil
	}
	sum := sha256.Sum256(data)
	return &Upload{Filename: p.FileName(), Size: int64(len(data)), data: data, sha256: sum[:], release: release}, nil
}

// spoolBuffer is the write size of spooled uploads.
const spoolBuffer = 256 << 10

// file copies head and the rest of the part to a private temp file.
func (sp *Spool) file(p *multipart.Part, head []byte, max int64) (*Upload, error) {
	f, err := os.CreateTemp(sp.dir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("intake: spool: %w", err)
	}
	// A part yields at most 4 KiB a read; without the buffer that is one
	// write syscall per 4 KiB, most of intake's CPU on a large file. The
	// wrappers hide ReadFrom/WriteTo, which would bypass the buffer. The
	// hash is taken on the way in, so the file is not read once more for it.
	w := bufio.NewWriterSize(f, spoolBuffer)
	h := sha256.New()
	rest := io.LimitReader(p, max+1-int64(len(head)))
	n, err := io.CopyBuffer(io.MultiWriter(w, h), struct{ io.Reader }{io.MultiReader(bytes.NewReader(head), rest)}, make([]byte, 32<<10))
	if err == nil {
		err = w.Flush()
	}
	cerr := f.Close()
	if err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		os.Remove(f.Name())
		return nil, readError(err)
	case n > max:
		os.Remove(f.Name())
		return nil, tooLarge(max)
	case n == 0:
		os.Remove(f.Name())
		return nil, nil
	}
	return &Upload{Filename: p.FileName(), Size: n, path: f.Name(), sha256: h.Sum(nil)}, nil
}

func tooLarge(max int64) *ValidationError {
	e := fieldError("attachments", CodeFileTooLarge)
	e.detail("attachments", fmt.Sprintf("the limit is %d MiB per file", max>>20))
	return e
}

// fileBody reads an upload's bytes, wherever they are held.
type fileBody interface {
	io.Reader
	io.ReaderAt
	io.Seeker
	io.Closer
}

type memBody struct{ *bytes.Reader }

func (memBody) Close() error { return nil }

// open returns a reader over the upload's bytes.
func (u *Upload) open() (fileBody, error) {
	if u.path == "" {
		return memBody{bytes.NewReader(u.data)}, nil
	}
	f, err := os.Open(u.path)
	if err != nil {
		return nil, fmt.Errorf("intake: open spooled file: %w", err)
	}
	return f, nil
}

// discard frees what holds the upload's bytes.
func (u *Upload) discard() {
	if u.path != "" {
		os.Remove(u.path)
	}
	if u.release != nil {
		u.release(!u.failedPut)
		u.release, u.data = nil, nil
	}
}
