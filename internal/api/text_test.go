package api

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestJSONTextProblems(t *testing.T) {
	for _, c := range []struct {
		body   string
		fields []string
	}{
		{`{"a":"ok","b":["é","\ud83d\ude00","\u202e"]}`, nil},
		{`{"a":"x\u0000"}`, []string{"a"}},
		{`{"a":{"b":[1,"\ud800",{"c":"\udc00x"}]}}`, []string{"a.b[1]", "a.b[2].c"}},
		{"{\"sources\":[{\"object\":\"\xff\"}]}", []string{"sources[0].object"}},
		{`{"k\u0000":1}`, []string{`k`}},
		{`"\u0000"`, []string{""}},
		{`{"a":"\\u0000 is text, not NUL"}`, nil},
		{`{"a":"\ud800\u0041"}`, []string{"a"}},
	} {
		var got []string
		for _, p := range jsonTextProblems([]byte(c.body)) {
			got = append(got, p.Field)
		}
		if strings.Join(got, "|") != strings.Join(c.fields, "|") {
			t.Errorf("%s: fields %q, want %q", c.body, got, c.fields)
		}
	}
}

// FuzzJSONTextProblems: the scanner never panics, and a valid JSON body it
// passes is UTF-8 and decodes to strings Postgres can store (no NUL), with
// no U+FFFD that the body did not itself contain (encoding/json's stand-in
// for a lone surrogate).
func FuzzJSONTextProblems(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `["\u0000"]`, `{"\ud800":1}`, "\"\xff\"", `[1,{"x":[true,null,"\ud83d\ude00"]}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return
		}
		if len(jsonTextProblems(body)) > 0 {
			return
		}
		if !utf8.Valid(body) {
			t.Fatalf("passed %q, which is not UTF-8", body)
		}
		sentFFFD := strings.Contains(strings.ToLower(string(body)), `\ufffd`) || strings.ContainsRune(string(body), utf8.RuneError)
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("valid JSON does not decode: %v", err)
		}
		var check func(any)
		check = func(v any) {
			switch x := v.(type) {
			case string:
				if strings.ContainsRune(x, 0) || !sentFFFD && strings.ContainsRune(x, utf8.RuneError) {
					t.Fatalf("passed %q, which decodes to an unstorable %q", body, x)
				}
			case []any:
				for _, item := range x {
					check(item)
				}
			case map[string]any:
				for k, item := range x {
					check(k)
					check(item)
				}
			}
		}
		check(v)
	})
}
