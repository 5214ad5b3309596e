// Package receipt makes and reads the receipt code a submitter keeps instead
// of an account, and hashes it so that only the hash is ever stored.
package receipt

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
)

// alphabet is Crockford's base32: no I, L, O or U, so a code read aloud or
// copied by hand has no look-alike letters and spells no words by accident.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

const (
	// Length is the number of symbols in a code: 16 × 5 bits = 80 bits.
	Length = 16
	// groupSize symbols are shown between dashes, short enough to read aloud.
	groupSize = 4
	// maxInput bounds the work Parse does on hostile input; a grouped code with
	// generous spacing fits easily.
	maxInput = 64
	// invalid marks bytes of decodeTable that are not part of a code.
	invalid = 0xFF
	// skip marks separators people type between groups.
	skip = 0xFE
)

// ErrInvalid is returned by Parse for anything that is not a receipt code. It
// carries no detail: which character was wrong is not the caller's business.
var ErrInvalid = errors.New("receipt: invalid code")

// Code is a receipt code in canonical form: 16 upper-case Crockford symbols
// without separators. Values come from New or Parse; hashing any other
// string yields a hash that no stored receipt will match.
type Code string

// New draws a fresh code from crypto/rand.
func New() (Code, error) {
	var raw [Length * 5 / 8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("receipt: new: %w", err)
	}
	var out [Length]byte
	// Read the 80 bits five at a time, most significant first.
	var acc uint32
	bits := 0
	n := 0
	for _, b := range raw {
		acc = acc<<8 | uint32(b)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out[n] = alphabet[(acc>>bits)&0x1F]
			n++
		}
	}
	return Code(out[:]), nil
}

// String returns the code grouped for display, as in K7QH-3M9T-XW2P-84RD.
func (c Code) String() string {
	s := string(c)
	if len(s) != Length {
		return s
	}
	var b strings.Builder
	b.Grow(Length + Length/groupSize - 1)
	for i := 0; i < Length; i += groupSize {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i : i+groupSize])
	}
	return b.String()
}

// Parse reads a code as a person might type it on a phone: any case, with or
// without spaces, dashes or dots, and with I/L for 1 and O for 0. Anything
// else is ErrInvalid.
func Parse(s string) (Code, error) {
	if len(s) > maxInput {
		return "", ErrInvalid
	}
	table := decodeTable()
	var out [Length]byte
	n := 0
	bad := 0
	// Walk the whole input even after a bad byte, so how long Parse takes says
	// nothing about where a guess went wrong.
	for i := 0; i < len(s); i++ {
		v := table[s[i]]
		switch {
		case v == skip:
		case v == invalid:
			bad |= 1
		case n < Length:
			out[n] = alphabet[v]
			n++
		default:
			bad |= 1
		}
	}
	if bad != 0 || n != Length {
		return "", ErrInvalid
	}
	return Code(out[:]), nil
}

// decodeTable maps each input byte to its symbol value, skip or invalid. It
// is rebuilt per call (256 bytes on the stack) rather than kept in a mutable
// package variable.
func decodeTable() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = invalid
	}
	for v := 0; v < len(alphabet); v++ {
		c := alphabet[v]
		t[c] = byte(v)
		t[c|0x20] = byte(v) // lower case; digits are unaffected by |0x20
	}
	// Crockford's aliases for the letters left out of the alphabet.
	for _, c := range []byte("IiLl") {
		t[c] = 1
	}
	t['O'], t['o'] = 0, 0
	for _, c := range []byte(" -.\t\r\n") {
		t[c] = skip
	}
	return t
}
