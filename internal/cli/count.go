package cli

import "strconv"

// count says n things in English: "1 piece", "2 pieces", "0 pieces".
func count(n int, one, other string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + other
}
