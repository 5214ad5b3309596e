package media

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// gpsLatitude is the GPSLatitude value written into fixtures: 29/1 25/1
// 1234/100, as big-endian rationals. Finding these bytes in an output means
// the location leaked.
func gpsLatitude() []byte {
	var b []byte
	for _, v := range []uint32{29, 1, 25, 1, 1234, 100} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

// exifTIFF builds a big-endian TIFF structure as found in EXIF: IFD0 with
// Orientation and a pointer to a GPS IFD holding latitude and longitude.
func exifTIFF(orientation uint16) []byte {
	be := binary.BigEndian
	entry := func(b []byte, tag, typ uint16, count, value uint32) []byte {
		b = be.AppendUint16(b, tag)
		b = be.AppendUint16(b, typ)
		b = be.AppendUint32(b, count)
		return be.AppendUint32(b, value)
	}
	const (
		typeASCII    = 2
		typeShort    = 3
		typeLong     = 4
		typeRational = 5
		ifd0At       = 8
		gpsAt        = ifd0At + 2 + 2*12 + 4 // 38
		latAt        = gpsAt + 2 + 4*12 + 4  // 92
		lonAt        = latAt + 24            // 116
	)
	b := []byte("MM\x00\x2a")
	b = be.AppendUint32(b, ifd0At)
	b = be.AppendUint16(b, 2)
	b = entry(b, 0x0112, typeShort, 1, uint32(orientation)<<16) // SHORT sits in the high half
	b = entry(b, 0x8825, typeLong, 1, gpsAt)
	b = be.AppendUint32(b, 0)

	b = be.AppendUint16(b, 4)
	b = entry(b, 0x0001, typeASCII, 2, uint32('N')<<24)
	b = entry(b, 0x0002, typeRational, 3, latAt)
	b = entry(b, 0x0003, typeASCII, 2, uint32('W')<<24)
	b = entry(b, 0x0004, typeRational, 3, lonAt)
	b = be.AppendUint32(b, 0)

	b = append(b, gpsLatitude()...)
	for _, v := range []uint32{98, 1, 29, 1, 5678, 100} {
		b = be.AppendUint32(b, v)
	}
	return b
}

// jpegSegment builds a marker segment; its length counts itself.
func jpegSegment(marker byte, payload []byte) []byte {
	b := []byte{0xff, marker}
	b = binary.BigEndian.AppendUint16(b, uint16(len(payload)+2))
	return append(b, payload...)
}

// xmpPacket is an XMP APP1 payload that names a place.
func xmpPacket() []byte {
	return []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">" +
		"<exif:GPSLatitude>29,25.2N</exif:GPSLatitude><photoshop:City>Secretville</photoshop:City></x:xmpmeta>")
}

// markedImage is w×h blue with a red square in the top-left corner, so that
// a test can tell which way the image was turned.
func markedImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.NRGBA{0, 0, 255, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, 10, 10), image.NewUniform(color.NRGBA{255, 0, 0, 255}), image.Point{}, draw.Src)
	return img
}

// jpegWithMetadata encodes markedImage(w, h) and inserts after SOI an EXIF
// APP1 (Orientation 6 and GPS), an XMP APP1 and a comment, the way a phone
// camera lays them out.
func jpegWithMetadata(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, markedImage(w, h), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	var out []byte
	out = append(out, plain[:2]...) // SOI
	out = append(out, jpegSegment(0xe1, append([]byte("Exif\x00\x00"), exifTIFF(6)...))...)
	out = append(out, jpegSegment(0xe1, xmpPacket())...)
	out = append(out, jpegSegment(0xfe, []byte("shot at 12 Calle Secreta"))...)
	return append(out, plain[2:]...)
}

// jpegMarkers lists the markers of a JPEG up to its first scan.
func jpegMarkers(t *testing.T, b []byte) []byte {
	t.Helper()
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		t.Fatalf("not a JPEG: % x", b[:min(len(b), 4)])
	}
	var markers []byte
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			t.Fatalf("no marker at offset %d", i)
		}
		m := b[i+1]
		markers = append(markers, m)
		if m == 0xda { // SOS: entropy-coded data follows
			return markers
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return markers
}

// pngChunk builds a PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// pngWithMetadata encodes markedImage(w, h) as PNG and inserts text, EXIF,
// time and ICC chunks after IHDR.
func pngWithMetadata(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, markedImage(w, h)); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	var out []byte
	out = append(out, plain[:afterIHDR]...)
	out = append(out, pngChunk("tEXt", []byte("Comment\x00shot at 12 Calle Secreta"))...)
	out = append(out, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+string(xmpPacket())))...)
	out = append(out, pngChunk("eXIf", exifTIFF(1))...)
	out = append(out, pngChunk("tIME", []byte{0x07, 0xe8, 1, 2, 3, 4, 5})...)
	out = append(out, pngChunk("iCCP", []byte("Camera profile\x00\x00\x78\x9c\x03\x00\x00\x00\x00\x01"))...)
	return append(out, plain[afterIHDR:]...)
}

// pngChunkTypes lists the chunk types of a PNG in order.
func pngChunkTypes(t *testing.T, b []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("not a PNG: % x", b[:min(len(b), 8)])
	}
	var types []string
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		types = append(types, string(b[i+4:i+8]))
		i += 12 + n
	}
	return types
}

// pixelFloodPNG is a PNG whose header claims 50,000×50,000 RGBA pixels
// (10 GB decoded) while the file holds almost nothing.
func pixelFloodPNG(t testing.TB) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, 50000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 50000)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // depth 8, RGBA, deflate, no filter, no interlace
	var idat bytes.Buffer
	zw := zlib.NewWriter(&idat)
	if _, err := zw.Write(make([]byte, 64)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", idat.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// zipEntry is one file to put in a test archive.
type zipEntry struct {
	name string
	body []byte
}

// buildZip writes entries into a ZIP archive, deflated.
func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// docxParts are the three parts Word needs to open a document, with the
// given main document content type.
func docxParts(mainContentType string) []zipEntry {
	return []zipEntry{
		{"[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="` + mainContentType + `"/>
</Types>`)},
		{"_rels/.rels", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`)},
		{"word/document.xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>Mi historia</w:t></w:r></w:p></w:body></w:document>`)},
	}
}

// zipBomb writes a DOCX-shaped archive whose document part is size bytes of
// zeros, streamed so the test never holds them in memory.
func zipBomb(t testing.TB, size int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range docxParts(docxMainType)[:2] {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(w, zeroReader{}, size); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeroReader is an endless stream of zero bytes.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// readTestdata returns a file from testdata/.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
