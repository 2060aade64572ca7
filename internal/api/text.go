package api

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// jsonTextProblems finds every string (values and object keys) of a JSON
// document that cannot be stored on both engines: invalid UTF-8, a \u0000
// escape, or a \ud800-\udfff escape without its other half. encoding/json
// would quietly turn the last two kinds into U+FFFD (a lost write), and
// Postgres refuses NUL in text and jsonb; the raw bytes are the only place
// left to tell them apart, so this reads them before any decoding. Each
// problem names the string's place in the API's field style
// ("sources[0].object", "inputs[1].name"). body must be valid JSON
// (json.Valid), which also bounds its nesting.
func jsonTextProblems(body []byte) []catalog.FieldError {
	s := &textScan{b: body}
	s.value()
	return s.problems
}

// maxTextProblems stops a body full of bad strings from producing an
// answer larger than itself.
const maxTextProblems = 50

type textScan struct {
	b        []byte
	i        int
	path     []string // object keys and array indexes down to the current value
	problems []catalog.FieldError
}

func (s *textScan) skipSpace() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *textScan) value() {
	s.skipSpace()
	if s.i >= len(s.b) {
		return
	}
	switch s.b[s.i] {
	case '{':
		s.i++
		for {
			s.skipSpace()
			if s.i >= len(s.b) || s.b[s.i] == '}' {
				s.i++
				return
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			key, problem := s.str()
			s.path = append(s.path, key)
			if problem != "" {
				s.report("the key " + problem)
			}
			s.skipSpace()
			s.i++ // ':'
			s.value()
			s.path = s.path[:len(s.path)-1]
		}
	case '[':
		s.i++
		for n := 0; ; {
			s.skipSpace()
			if s.i >= len(s.b) || s.b[s.i] == ']' {
				s.i++
				return
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			s.path = append(s.path, "\x00"+strconv.Itoa(n)) // NUL marks an index: str never puts one in a key
			s.value()
			s.path = s.path[:len(s.path)-1]
			n++
		}
	case '"':
		if _, problem := s.str(); problem != "" {
			s.report(problem)
		}
	default: // number, true, false, null
		for s.i < len(s.b) && !strings.ContainsRune(",]} \t\r\n", rune(s.b[s.i])) {
			s.i++
		}
	}
}

// str reads the string at s.i and returns its decoded text (for paths) and
// the first reason it cannot be stored, or "".
func (s *textScan) str() (string, string) {
	s.i++ // opening quote
	var text strings.Builder
	problem := ""
	note := func(p string) {
		if problem == "" {
			problem = p
		}
	}
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return text.String(), problem
		case c == '\\' && s.i+1 < len(s.b) && s.b[s.i+1] == 'u':
			r := hex4(s.b[s.i+2:])
			s.i += 6
			switch {
			case r == 0:
				note("contains a NUL character (\\u0000), which cannot be stored; remove it")
			case r >= 0xd800 && r <= 0xdbff:
				if s.i+6 <= len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					if lo := hex4(s.b[s.i+2:]); lo >= 0xdc00 && lo <= 0xdfff {
						s.i += 6
						text.WriteRune(0x10000 + (r-0xd800)<<10 + (lo - 0xdc00))
						continue
					}
				}
				note("contains a lone UTF-16 surrogate (\\u" + strconv.FormatInt(int64(r), 16) + "), which is not a character; send the full surrogate pair")
			case r >= 0xdc00 && r <= 0xdfff:
				note("contains a lone UTF-16 surrogate (\\u" + strconv.FormatInt(int64(r), 16) + "), which is not a character; send the full surrogate pair")
			default:
				text.WriteRune(r)
			}
		case c == '\\':
			text.WriteByte(c)
			text.WriteByte(s.b[min(s.i+1, len(s.b)-1)])
			s.i += 2
		case c < utf8.RuneSelf:
			text.WriteByte(c)
			s.i++
		default:
			r, size := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && size == 1 {
				note("is not valid UTF-8; send text in UTF-8")
			} else {
				text.WriteRune(r)
			}
			s.i += size
		}
	}
	return text.String(), problem
}

// hex4 reads four hex digits (json.Valid has checked they are there).
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}

func (s *textScan) report(problem string) {
	if len(s.problems) >= maxTextProblems {
		return
	}
	field := s.field()
	name := field
	if name == "" {
		name = "The body"
	}
	s.problems = append(s.problems, catalog.FieldError{Field: field, Message: name + " " + problem + "."})
}

// field formats s.path as the API's field path.
func (s *textScan) field() string {
	var b strings.Builder
	for _, seg := range s.path {
		if index, isIndex := strings.CutPrefix(seg, "\x00"); isIndex {
			b.WriteString("[" + index + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(printable(seg))
	}
	return b.String()
}

// printable keeps a key that is itself unstorable readable in a field name.
func printable(key string) string {
	if catalog.TextProblem(key) == "" {
		return key
	}
	q := strconv.QuoteToASCII(key)
	return q[1 : len(q)-1]
}
