package export

import "encoding/binary"

// The records of the ZIP format (PKWARE APPNOTE.TXT 6.3.10), little-endian.

var le = binary.LittleEndian

const (
	sigLocal      = 0x04034b50
	sigDescriptor = 0x08074b50
	sigCentral    = 0x02014b50
	sigEnd64      = 0x06064b50
	sigLocator64  = 0x07064b50
	sigEnd        = 0x06054b50

	flagDescriptor = 1 << 3  // CRC and sizes follow the data
	flagUTF8       = 1 << 11 // the name is UTF-8

	version20   = 20 // deflate and data descriptors
	version45   = 45 // ZIP64
	creatorUnix = 3  // so external attributes carry a Unix mode
	modeFile    = 0o100644

	extraZip64 = 0x0001
	extraTime  = 0x5455 // extended timestamp

	max16 = 0xFFFF
	max32 = 0xFFFFFFFF
)

// localHeader precedes an entry's data. CRC and sizes are zero: they are
// not known yet and follow in the data descriptor.
func localHeader(e *zipEntry) []byte {
	b := make([]byte, 0, 30+len(e.name)+len(e.extra))
	b = le.AppendUint32(b, sigLocal)
	b = le.AppendUint16(b, version20)
	b = le.AppendUint16(b, flagDescriptor|flagUTF8)
	b = le.AppendUint16(b, e.method)
	b = le.AppendUint16(b, e.time)
	b = le.AppendUint16(b, e.date)
	b = le.AppendUint32(b, 0) // CRC-32
	b = le.AppendUint32(b, 0) // compressed size
	b = le.AppendUint32(b, 0) // uncompressed size
	b = le.AppendUint16(b, uint16(len(e.name)))
	b = le.AppendUint16(b, uint16(len(e.extra)))
	b = append(b, e.name...)
	return append(b, e.extra...)
}

// dataDescriptor follows an entry's data. Its sizes are 8 bytes when they
// do not fit in 4, as archive/zip writes them; readers take the sizes from
// the central directory.
func dataDescriptor(e *zipEntry) []byte {
	b := make([]byte, 0, 24)
	b = le.AppendUint32(b, sigDescriptor)
	b = le.AppendUint32(b, e.crc32)
	if e.size >= max32 || e.csize >= max32 {
		b = le.AppendUint64(b, e.csize)
		return le.AppendUint64(b, e.size)
	}
	b = le.AppendUint32(b, uint32(e.csize))
	return le.AppendUint32(b, uint32(e.size))
}

// centralRecord is an entry's record in the central directory. When a size
// or the offset does not fit in 4 bytes, all three are 0xFFFFFFFF and the
// ZIP64 extra field holds them, as archive/zip writes it.
func centralRecord(e *zipEntry) []byte {
	version, size, csize, offset := uint16(version20), uint32(e.size), uint32(e.csize), uint32(e.offset)
	var extra []byte
	if e.size >= max32 || e.csize >= max32 || e.offset >= max32 {
		version, size, csize, offset = version45, max32, max32, max32
		extra = le.AppendUint16(extra, extraZip64)
		extra = le.AppendUint16(extra, 24)
		extra = le.AppendUint64(extra, e.size)
		extra = le.AppendUint64(extra, e.csize)
		extra = le.AppendUint64(extra, e.offset)
	}
	extra = append(extra, e.extra...)
	b := make([]byte, 0, 46+len(e.name)+len(extra))
	b = le.AppendUint32(b, sigCentral)
	b = le.AppendUint16(b, creatorUnix<<8|version)
	b = le.AppendUint16(b, version)
	b = le.AppendUint16(b, flagDescriptor|flagUTF8)
	b = le.AppendUint16(b, e.method)
	b = le.AppendUint16(b, e.time)
	b = le.AppendUint16(b, e.date)
	b = le.AppendUint32(b, e.crc32)
	b = le.AppendUint32(b, csize)
	b = le.AppendUint32(b, size)
	b = le.AppendUint16(b, uint16(len(e.name)))
	b = le.AppendUint16(b, uint16(len(extra)))
	b = le.AppendUint16(b, 0) // comment length
	b = le.AppendUint16(b, 0) // disk number start
	b = le.AppendUint16(b, 0) // internal attributes
	b = le.AppendUint32(b, modeFile<<16)
	b = le.AppendUint32(b, offset)
	b = append(b, e.name...)
	return append(b, extra...)
}

// endRecords ends the archive: the end of central directory record,
// preceded by the ZIP64 end record and its locator when the count, the
// directory's size or its offset does not fit the classic record. end is
// the offset at which these records start.
func endRecords(entries, dirOffset, dirSize, end uint64) []byte {
	var b []byte
	count, size, offset := uint16(entries), uint32(dirSize), uint32(dirOffset)
	if entries >= max16 || dirSize >= max32 || dirOffset >= max32 {
		count, size, offset = max16, max32, max32
		b = le.AppendUint32(b, sigEnd64)
		b = le.AppendUint64(b, 44) // size of the rest of this record
		b = le.AppendUint16(b, creatorUnix<<8|version45)
		b = le.AppendUint16(b, version45)
		b = le.AppendUint32(b, 0) // this disk
		b = le.AppendUint32(b, 0) // disk where the directory starts
		b = le.AppendUint64(b, entries)
		b = le.AppendUint64(b, entries)
		b = le.AppendUint64(b, dirSize)
		b = le.AppendUint64(b, dirOffset)
		b = le.AppendUint32(b, sigLocator64)
		b = le.AppendUint32(b, 0) // disk of the ZIP64 end record
		b = le.AppendUint64(b, end)
		b = le.AppendUint32(b, 1) // disks in all
	}
	b = le.AppendUint32(b, sigEnd)
	b = le.AppendUint16(b, 0) // this disk
	b = le.AppendUint16(b, 0) // disk where the directory starts
	b = le.AppendUint16(b, count)
	b = le.AppendUint16(b, count)
	b = le.AppendUint32(b, size)
	b = le.AppendUint32(b, offset)
	return le.AppendUint16(b, 0) // comment length
}
