package spec

import "strings"

// NextVersion returns the version after cur: "" → "1"; "3" → "4";
// "1.4.0" → "1.4.1"; "v2.0" → "v2.1"; "1.9" → "1.10"; anything without a
// trailing number → cur + ".1" ("beta" → "beta.1").
//
// The trailing number is incremented as decimal text rather than parsed,
// so arbitrarily long numbers cannot overflow and zero padding is kept
// ("1.09" → "1.10", "007" → "008").
func NextVersion(cur string) string {
	cur = strings.TrimSpace(cur)
	if cur == "" {
		return "1"
	}
	start := len(cur)
	for start > 0 && cur[start-1] >= '0' && cur[start-1] <= '9' {
		start--
	}
	if start == len(cur) {
		return cur + ".1"
	}
	return cur[:start] + incrementDecimal(cur[start:])
}

// incrementDecimal adds one to a string of ASCII digits.
func incrementDecimal(digits string) string {
	b := []byte(digits)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}
