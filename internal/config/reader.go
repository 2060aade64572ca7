package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// reader collects problems while reading variables instead of stopping at
// the first one.
type reader struct {
	getenv   func(string) string
	problems []string
}

// str reads name, or the file named by name_FILE, or def.
func (r *reader) str(name, def string) string {
	if v := r.getenv(name); v != "" {
		return v
	}
	if path := r.getenv(name + "_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			r.problems = append(r.problems, fmt.Sprintf("%s_FILE: cannot read %s: %v", name, path, errors.Unwrap(err)))
			return def
		}
		return strings.TrimSpace(string(b))
	}
	return def
}

func (r *reader) int(name string, def int) int {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s is %q; want a whole number", name, s))
		return def
	}
	return n
}

func (r *reader) bool(name string, def bool) bool {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s is %q; want true or false", name, s))
		return def
	}
	return b
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		r.problems = append(r.problems, fmt.Sprintf("%s is %q; want a positive duration such as 720h", name, s))
		return def
	}
	return d
}

func (r *reader) list(name string) []string {
	var out []string
	for _, s := range strings.Split(r.str(name, ""), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
