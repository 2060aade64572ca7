package tenancy

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad_ValidAndDSN(t *testing.T) {
	ts, err := Load(write(t, "B.api.test: {schema: tenant_b}\na.api.test: {database: 'postgres://u@h/a'}\n"))
	if err != nil || len(ts) != 2 || ts[0].Host != "a.api.test" || ts[1].Host != "b.api.test" {
		t.Fatalf("Load = %+v, %v", ts, err)
	}
	if got := ts[1].DSN("postgres://u@h/main?sslmode=disable"); got != "postgres://u@h/main?search_path=tenant_b&sslmode=disable" {
		t.Fatalf("schema DSN = %s", got)
	}
	if got := ts[0].DSN("postgres://u@h/main"); got != "postgres://u@h/a" {
		t.Fatalf("database DSN = %s", got)
	}
}

func TestLoad_ListsEveryProblem(t *testing.T) {
	_, err := Load(write(t, `
"http://x.test": {schema: s1}
both.test: {schema: s2, database: "postgres://h/d"}
neither.test: {}
pub.test: {schema: public}
mysql.test: {database: "mysql://h/d"}
dup1.test: {schema: same}
dup2.test: {schema: same}
`))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"http://x.test", "both.test", "neither.test", "pub.test", "mysql.test", "never shared"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
	if _, err := Load(write(t, "a.test: {schema: s, colour: red}\n")); err == nil {
		t.Fatal("an unknown field was accepted")
	}
}

func TestRouter_ExactHostOnly(t *testing.T) {
	rt := &Router{ByHost: map[string]http.Handler{"a.test": marker("a")}, Shared: marker("shared")}
	for host, want := range map[string]string{"a.test": "a", "A.TEST:443": "a", "a.test.": "a", "x.a.test": "shared", "a.test.evil": "shared", "": "shared"} {
		if got := rt.handlerFor(host).(marker); string(got) != want {
			t.Errorf("host %q → %s, want %s", host, got, want)
		}
	}
}

type marker string

func (marker) ServeHTTP(http.ResponseWriter, *http.Request) {}
