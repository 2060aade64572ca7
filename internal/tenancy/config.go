// Package tenancy routes enterprise tenants to dedicated stores: a request's
// Host picks a Postgres database or a schema of the shared database, as
// DATAXPIPE_TENANTS maps them; every other host uses the shared store.
package tenancy

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Tenant is one dedicated store.
type Tenant struct {
	Host     string // exact host name, lower case, without port
	Database string `yaml:"database"` // a postgres:// URL of its own database
	Schema   string `yaml:"schema"`   // or a schema of the shared database
}

var (
	schemaPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	hostPattern   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)
)

// Load reads the tenants file: a YAML map from host to {database} or
// {schema}. Every problem is reported at once.
func Load(path string) ([]Tenant, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("DATAXPIPE_TENANTS: %w", err)
	}
	var raw map[string]Tenant
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("DATAXPIPE_TENANTS %s: %w", path, err)
	}
	var out []Tenant
	var problems []string
	seen := map[string]bool{}
	for host, t := range raw {
		t.Host = strings.ToLower(strings.TrimSpace(host))
		switch {
		case !hostPattern.MatchString(t.Host):
			problems = append(problems, fmt.Sprintf("%q is not a host name (no port, no scheme)", host))
		case (t.Database == "") == (t.Schema == ""):
			problems = append(problems, fmt.Sprintf("%s: give exactly one of database or schema", t.Host))
		case t.Schema != "" && (!schemaPattern.MatchString(t.Schema) || t.Schema == "public"):
			problems = append(problems, fmt.Sprintf("%s: schema %q must be a lower-case identifier other than public", t.Host, t.Schema))
		case t.Database != "" && !isPostgresURL(t.Database):
			problems = append(problems, fmt.Sprintf("%s: database must be a postgres:// URL", t.Host))
		case t.Schema != "" && seen["schema:"+t.Schema], t.Database != "" && seen["db:"+t.Database]:
			problems = append(problems, fmt.Sprintf("%s: another host already uses that store; stores are never shared", t.Host))
		}
		seen["schema:"+t.Schema], seen["db:"+t.Database] = t.Schema != "", t.Database != ""
		out = append(out, t)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("DATAXPIPE_TENANTS %s:\n  - %s", path, strings.Join(problems, "\n  - "))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out, nil
}

func isPostgresURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql")
}

// DSN returns the store's DATAXPIPE_DB value given the shared one: its own
// database, or the shared database with search_path set to its schema.
func (t Tenant) DSN(shared string) string {
	if t.Database != "" {
		return t.Database
	}
	u, _ := url.Parse(shared)
	q := u.Query()
	q.Set("search_path", t.Schema)
	u.RawQuery = q.Encode()
	return u.String()
}
