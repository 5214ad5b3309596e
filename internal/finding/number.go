package finding

import (
	"regexp"
	"strings"
)

// Immutable compiled patterns. Group 1 is the span flagged; what follows it
// is context (see endOfWord), and the character before it is checked by
// standsAlone because RE2 has no lookbehind.
var (
	// USCIS receipt and EOIR numbers: three letters and ten digits, written
	// solid (EAC2190012345) or grouped as on the notice (EAC-21-900-12345).
	reCaseNumber = regexp.MustCompile(`((?i:[a-z]{3})\d{10}|[A-Z]{3}[- ]\d{2}[- ]?\d{3}[- ]?\d{5})` + endOfWord)

	// An A-Number written with its A: A123456789, A# 12345678, A-123-456-789.
	// Only a capital A, since "a 12345678" is more often English than an ID.
	reANumber = regexp.MustCompile(`(A(?:[#-] ?| ?)\d(?:[ -]?\d){7,8})` + endOfWord)

	// An A-Number introduced by words ("A-Number: 123456789", "my alien
	// number is ...", "número A 12345678", "número de extranjero ...").
	// Only the number is flagged so the sentence still reads once redacted.
	reANumberPhrase = regexp.MustCompile(`(?i:\ba[- ]?(?:number|num|no)\.?|\balien\s+(?:registration\s+)?(?:number|no\.?|#)|n[úu]mero\s+(?:de\s+)?(?:a|extranjero|registro\s+de\s+extranjero)|\buscis\s+(?:number|no\.?|#))` +
		`(?:\s*[:#]\s*|\s+(?i:is|was|es|era)\s+|\s+)` +
		`((?:A[#-]? ?)?\d(?:[ -]?\d){7,8})` + endOfWord)

	// SSNs (and ITINs, which share the format) with consistent separators.
	reSSN = regexp.MustCompile(`(\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4})` + endOfWord)

	// Nine bare digits count as an SSN only when the text says so.
	reSSNPhrase = regexp.MustCompile(`(?i:\bssn|\bsocial\s+security(?:\s+(?:number|no\.?|#))?|seguro\s+social)` +
		`(?:\s*[:#]\s*|\s+(?i:is|was|es|era)\s+|\s+)(\d{9})` + endOfWord)

	reEmail = regexp.MustCompile(`([\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,})`)

	// US numbers: (512) 555-0134, 512-555-0134, 512.555.0134, +1 512 555 0134
	// and ten solid digits.
	rePhoneUS = regexp.MustCompile(`((?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}|\+?1?\d{10})` + endOfWord)

	// Mexican numbers: +52 55 1234 5678, +52 1 33 1234 5678, +52 (662) 123
	// 4567, and the local (55) 1234-5678 / 55 1234 5678.
	rePhoneMX = regexp.MustCompile(`(\+52[ .-]?(?:1[ .-]?)?(?:\(\d{2,3}\)|\d{2,3})[ .-]?\d{3,4}[ .-]?\d{4}|\(?\d{2}\)?[ .-]\d{4}[ .-]\d{4})` + endOfWord)
)

// validSSN applies the SSA's rules: area 000, 666 and 9xx are never issued,
// nor group 00 or serial 0000. A 9xx area with an ITIN group (50–65, 70–88,
// 90–92, 94–99) is an ITIN, which identifies an undocumented taxpayer just
// as surely, so it is flagged too.
func validSSN(span string) bool {
	d := digits(span)
	if len(d) != 9 {
		return false
	}
	area, group, serial := d[:3], d[3:5], d[5:]
	if group == "00" || serial == "0000" {
		return false
	}
	if d[0] == '9' {
		g := int(group[0]-'0')*10 + int(group[1]-'0')
		return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || g >= 94
	}
	return area != "000" && area != "666"
}

// validPhoneUS keeps NANP numbers: area code and exchange never start with
// 0 or 1, which rules out most ten-digit numbers that are not phones.
func validPhoneUS(span string) bool {
	d := digits(span)
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return len(d) == 10 && d[0] >= '2' && d[3] >= '2'
}

// validPhoneMX keeps ten national digits after +52 and the optional mobile 1.
func validPhoneMX(span string) bool {
	d := digits(span)
	if strings.HasPrefix(span, "+52") {
		d = d[2:]
		if len(d) == 11 && d[0] == '1' {
			d = d[1:]
		}
	}
	return len(d) == 10
}
