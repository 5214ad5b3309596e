package server

import (
	"encoding/json"
	"unicode/utf8"
)

// invalidText is the problem named when a JSON string or a query parameter
// holds what no honest text does; a multipart form's field gets the same
// refusal from intake.
const invalidText = "contains invalid characters (invalid UTF-8, a lone surrogate escape or a NUL byte)"

// jsonTextProblem finds the first string in a JSON document whose text a
// decoder would silently alter (invalid UTF-8 becomes U+FFFD, and so does an
// unpaired \uD800–\uDFFF escape) or that holds a NUL, and returns the member
// name it belongs to ("request" for a bad member name or a value outside any
// object). A document that is not well-formed JSON is left to the decoder.
func jsonTextProblem(raw []byte) (field string, bad bool) {
	type frame struct {
		object bool
		key    string
	}
	var stack []frame
	expectKey := false
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '{':
			stack = append(stack, frame{object: true})
			expectKey = true
		case '[':
			stack = append(stack, frame{})
			expectKey = false
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].object
		case ':':
			expectKey = false
		case '"':
			end, ok := scanJSONString(raw, i)
			if end < 0 {
				return "", false
			}
			if expectKey {
				if !ok {
					return "request", true
				}
				var key string
				if json.Unmarshal(raw[i:end+1], &key) != nil {
					return "", false
				}
				stack[len(stack)-1].key = key
			} else if !ok {
				for j := len(stack) - 1; j >= 0; j-- {
					if stack[j].object && stack[j].key != "" {
						return stack[j].key, true
					}
				}
				return "request", true
			}
			i = end
		}
	}
	return "", false
}

// scanJSONString reads the string literal that opens at raw[start] and
// returns the index of its closing quote (-1 if it has none) and whether its
// text survives decoding unchanged and holds no NUL.
func scanJSONString(raw []byte, start int) (end int, ok bool) {
	ok = true
	pendingHigh := false // the previous escape was a high surrogate
	for i := start + 1; i < len(raw); {
		c := raw[i]
		switch {
		case c == '"':
			return i, ok && !pendingHigh
		case c == '\\' && i+1 < len(raw) && raw[i+1] == 'u' && i+6 <= len(raw):
			r, hex := hexRune(raw[i+2 : i+6])
			switch {
			case !hex:
			case r >= 0xDC00 && r <= 0xDFFF:
				ok = ok && pendingHigh
				pendingHigh = false
				i += 6
				continue
			case pendingHigh:
				ok = false
			}
			pendingHigh = hex && r >= 0xD800 && r <= 0xDBFF
			ok = ok && !(hex && r == 0)
			i += 6
		case c == '\\':
			ok = ok && !pendingHigh
			pendingHigh = false
			i += 2
		default:
			ok = ok && !pendingHigh
			pendingHigh = false
			r, size := utf8.DecodeRune(raw[i:])
			ok = ok && !(r == utf8.RuneError && size <= 1)
			i += size
		}
	}
	return -1, false
}

// hexRune parses four hex digits.
func hexRune(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
