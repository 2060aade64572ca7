package spec

import (
	"slices"
	"testing"
	"time"
)

func TestFreshness_GraceDecodedValidatedAndDefaulted(t *testing.T) {
	base := example(t)
	hash := base.ContentHash()
	if g, err := base.Freshness.GraceOrDefault(); err != nil || g != DefaultGrace {
		t.Fatalf("no freshness: grace %v, %v; want the default %v", g, err, DefaultGrace)
	}
	p := mustDecode(t, "application/yaml", []byte("name: a\nowner: o@a.io\nschedule: '@hourly'\nfreshness: {grace: 45m}\n"))
	if g, err := p.Freshness.GraceOrDefault(); err != nil || g != 45*time.Minute {
		t.Fatalf("grace %v, %v; want 45m", g, err)
	}
	if len(p.Validate()) != 0 {
		t.Fatalf("problems %+v", p.Validate())
	}
	for _, bad := range []string{"soon", "10s", "200h"} {
		q := mustDecode(t, "application/json", []byte(`{"name":"a","owner":"o","schedule":"@hourly","freshness":{"grace":"`+bad+`"}}`))
		if !slices.Contains(validFields(q), "freshness.grace") {
			t.Errorf("grace %q: problems %v, want freshness.grace", bad, validFields(q))
		}
	}
	// A spec without freshness hashes as it did before the field existed.
	if again := example(t).ContentHash(); again != hash {
		t.Fatalf("content hash moved: %s → %s", hash, again)
	}
}
