package sqlstore_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// reg builds a registration whose content is identified by content.
func reg(name, version, content string, tags ...string) catalog.PipelineRegistration {
	return catalog.PipelineRegistration{
		Name: name, Version: version, Owner: "team@acme.com", Schedule: "@daily", Tags: tags,
		Description: "pipeline " + name, ContentHash: content,
		Definition: func(v string) json.RawMessage {
			return json.RawMessage(fmt.Sprintf(`{"name":%q,"version":%q,"content":%q}`, name, v, content))
		},
		NextVersion: func(cur string) string {
			n, _ := strconv.Atoi(cur)
			return strconv.Itoa(n + 1)
		},
	}
}

func TestPipelineService_RegisterPipeline(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		t.Run("Versions", func(t *testing.T) {
			p, created, err := db.RegisterPipeline(ctx, reg("orders", "1.0.0", "a"))
			if err != nil || !created || p.Version != "1.0.0" || p.VersionsCount != 1 {
				t.Fatalf("first = %+v, %v, %v; want created 1.0.0", p, created, err)
			}
			if _, created, err = db.RegisterPipeline(ctx, reg("orders", "1.0.0", "a")); err != nil || created {
				t.Fatalf("same version same content: created=%v err=%v, want unchanged", created, err)
			}
			_, _, err = db.RegisterPipeline(ctx, reg("orders", "1.0.0", "b"))
			if got, want := catalog.ErrorCode(err), catalog.ECONFLICT; got != want {
				t.Fatalf("same version other content: code %q, want %q", got, want)
			}
			p, created, err = db.RegisterPipeline(ctx, reg("orders", "1.1.0", "b"))
			if err != nil || !created || p.Version != "1.1.0" || p.VersionsCount != 2 {
				t.Fatalf("new version = %+v, %v, %v", p, created, err)
			}
			got, err := db.FindPipeline(ctx, "orders")
			if err != nil || got.Version != "1.1.0" || string(got.Definition) != `{"name":"orders","version":"1.1.0","content":"b"}` {
				t.Fatalf("current = %+v, %v", got, err)
			}
		})
		t.Run("NoVersionContentDecides", func(t *testing.T) {
			p, created, err := db.RegisterPipeline(ctx, reg("events", "", "x"))
			if err != nil || !created || p.Version != "1" {
				t.Fatalf("first = %+v, %v, %v", p, created, err)
			}
			if p, created, _ = db.RegisterPipeline(ctx, reg("events", "", "x")); created || p.Version != "1" {
				t.Fatalf("unchanged content created a version: %+v", p)
			}
			if p, created, _ = db.RegisterPipeline(ctx, reg("events", "", "y")); !created || p.Version != "2" {
				t.Fatalf("changed content: %+v created=%v, want version 2", p, created)
			}
			vs, _, err := db.ListPipelineVersions(ctx, "events", catalog.Page{})
			if err != nil || len(vs) != 2 || vs[0].Version != "2" || vs[1].Version != "1" {
				t.Fatalf("versions = %v, %v; want [2 1]", vs, err)
			}
		})
		t.Run("ErrOtherOrg", func(t *testing.T) {
			other, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
			if _, err := db.FindPipeline(other, "orders"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
				t.Fatalf("other org sees pipeline: %v", err)
			}
			if err := db.DeletePipeline(other, "orders"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
				t.Fatalf("other org deletes pipeline: %v", err)
			}
			if _, err := db.FindPipeline(ctx, "orders"); err != nil {
				t.Fatalf("pipeline gone after other org's delete: %v", err)
			}
		})
	})
}

// Registering 1.0.0's content again after 2.0.0 answers 1.0.0's entry
// (API.md: the existing entry), and leaves 2.0.0 current.
func TestPipelineService_RegisterOlderVersionAgain(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		v1, v2 := reg("orders", "1.0.0", "a", "tier-1"), reg("orders", "2.0.0", "b", "tier-2")
		v1.Owner, v2.Owner = "old@acme.com", "new@acme.com"
		first, _, err := db.RegisterPipeline(ctx, v1)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.RegisterPipeline(ctx, v2); err != nil {
			t.Fatal(err)
		}
		p, created, err := db.RegisterPipeline(ctx, v1)
		if err != nil || created {
			t.Fatalf("1.0.0 again: created=%v err=%v, want the existing entry", created, err)
		}
		if p.Version != "1.0.0" || p.Owner != "old@acme.com" || p.ContentHash != "a" || len(p.Tags) != 1 || p.Tags[0] != "tier-1" ||
			string(p.Definition) != `{"name":"orders","version":"1.0.0","content":"a"}` {
			t.Fatalf("1.0.0 again answered %+v (definition %s), want 1.0.0's entry", p, p.Definition)
		}
		if p.VersionsCount != 2 || !p.UpdatedAt.Equal(first.UpdatedAt) || !p.CreatedAt.Equal(first.CreatedAt) {
			t.Fatalf("1.0.0 again: versions %d, created %s, updated %s; want 2, %s, %s", p.VersionsCount, p.CreatedAt, p.UpdatedAt, first.CreatedAt, first.UpdatedAt)
		}
		cur, err := db.FindPipeline(ctx, "orders")
		if err != nil || cur.Version != "2.0.0" || cur.Owner != "new@acme.com" {
			t.Fatalf("current after the repeat = %+v, %v; want 2.0.0 unchanged", cur, err)
		}
		if p, created, err = db.RegisterPipeline(ctx, v2); err != nil || created || p.Version != "2.0.0" || p.Owner != "new@acme.com" {
			t.Fatalf("2.0.0 again = %+v, %v, %v; want the current entry", p, created, err)
		}
	})
}

func TestPipelineService_PlanLimitRace(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		for _, n := range []string{"p1", "p2"} {
			if _, _, err := db.RegisterPipeline(ctx, reg(n, "1", n)); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		codes := make(chan string, 20)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, _, err := db.RegisterPipeline(ctx, reg(fmt.Sprintf("new_%d", i), "1", "c"))
				codes <- catalog.ErrorCode(err)
			}(i)
		}
		wg.Wait()
		close(codes)
		ok, limited := 0, 0
		for c := range codes {
			switch c {
			case "":
				ok++
			case catalog.ELIMIT:
				limited++
			default:
				t.Errorf("unexpected error code %q", c)
			}
		}
		u, _ := db.OrgUsage(context.Background(), org.ID)
		if ok != 1 || limited != 19 || u.Pipelines != 3 {
			t.Fatalf("ok=%d limited=%d pipelines=%d; want 1, 19, 3", ok, limited, u.Pipelines)
		}
		// A new version of an existing pipeline is always allowed.
		if _, created, err := db.RegisterPipeline(ctx, reg("p1", "2", "changed")); err != nil || !created {
			t.Fatalf("new version at the limit: created=%v err=%v", created, err)
		}
	})
}

func TestPipelineService_ListPipelines(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		want := map[string]bool{}
		for i := 0; i < 23; i++ {
			name := fmt.Sprintf("pipe_%02d", i)
			tags := []string{"all"}
			if i%3 == 0 {
				tags = append(tags, "pii")
			}
			if i%2 == 0 {
				tags = append(tags, "tier-1")
			}
			if _, _, err := db.RegisterPipeline(ctx, reg(name, "1", name, tags...)); err != nil {
				t.Fatal(err)
			}
			want[name] = true
		}
		seen := map[string]bool{}
		cursor, pages := "", 0
		for {
			items, next, err := db.ListPipelines(ctx, catalog.PipelineFilter{Page: catalog.Page{Limit: 5, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, p := range items {
				if seen[p.Name] {
					t.Fatalf("duplicate %s across pages", p.Name)
				}
				seen[p.Name] = true
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != len(want) || pages != 5 {
			t.Fatalf("saw %d pipelines in %d pages, want %d in 5", len(seen), pages, len(want))
		}
		both, _, err := db.ListPipelines(ctx, catalog.PipelineFilter{Tags: []string{"pii", "tier-1"}})
		if err != nil || len(both) != 4 { // 0, 6, 12, 18
			t.Fatalf("tag pii AND tier-1: %d items, %v; want 4", len(both), err)
		}
		q, _, _ := db.ListPipelines(ctx, catalog.PipelineFilter{Query: "PIPE_1"})
		if len(q) != 10 {
			t.Fatalf("q=PIPE_1 matched %d, want 10", len(q))
		}
		other := sqlstoretest.AsOrg(&catalog.Org{ID: "org_other"}, catalog.RoleAdmin)
		if items, _, err := db.ListPipelines(other, catalog.PipelineFilter{}); err != nil || len(items) != 0 {
			t.Fatalf("another org lists %d of %s's pipelines (%v)", len(items), org.Slug, err)
		}
	})
}

// Each sort pages through every pipeline once, in its order, with ties of
// the sort key broken by name across page boundaries.
func TestPipelineService_ListPipelinesSorted(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		db.Now = func() time.Time { return now }
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		for i := range 14 {
			now = day0.Add(time.Duration(i/4) * time.Minute) // four per minute: names break the ties
			r := reg(fmt.Sprintf("pipe_%02d", (i*5)%14), "1", "v1")
			r.Owner = []string{"c@acme.com", "a@acme.com", "b@acme.com"}[i%3]
			if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		now = day0.Add(time.Hour) // a new version moves pipe_00 to the top of updated
		if _, _, err := db.RegisterPipeline(ctx, reg("pipe_00", "2", "v2")); err != nil {
			t.Fatal(err)
		}
		all, _, err := db.ListPipelines(ctx, catalog.PipelineFilter{Page: catalog.Page{Limit: 100}})
		if err != nil || len(all) != 14 {
			t.Fatalf("listed %d, %v", len(all), err)
		}
		orders := map[string]func(a, b *catalog.Pipeline) int{
			"": func(a, b *catalog.Pipeline) int { return cmp.Compare(a.Name, b.Name) },
			catalog.PipelineSortUpdated: func(a, b *catalog.Pipeline) int {
				return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(a.Name, b.Name))
			},
			catalog.PipelineSortOwner: func(a, b *catalog.Pipeline) int {
				return cmp.Or(cmp.Compare(a.Owner, b.Owner), cmp.Compare(a.Name, b.Name))
			},
		}
		cursors := map[string]string{}
		for sort, order := range orders {
			want := slices.Clone(all)
			slices.SortFunc(want, order)
			var got []string
			for cursor := ""; ; {
				page, next, err := db.ListPipelines(ctx, catalog.PipelineFilter{Sort: sort, Page: catalog.Page{Limit: 3, Cursor: cursor}})
				if err != nil {
					t.Fatalf("sort %q: %v", sort, err)
				}
				for _, p := range page {
					got = append(got, p.Name)
				}
				if next != "" {
					cursors[sort] = next
				}
				if cursor = next; cursor == "" {
					break
				}
			}
			if names := pipelineNames(want); !slices.Equal(got, names) {
				t.Errorf("sort %q paged %v, want %v", sort, got, names)
			}
		}
		if got, _, _ := db.ListPipelines(ctx, catalog.PipelineFilter{Sort: catalog.PipelineSortUpdated, Page: catalog.Page{Limit: 1}}); len(got) != 1 || got[0].Name != "pipe_00" {
			t.Fatalf("most recently updated first = %v", pipelineNames(got))
		}
		// A cursor is valid only in the order that made it; an unknown sort
		// is refused rather than read as by name.
		for _, c := range []catalog.PipelineFilter{
			{Sort: catalog.PipelineSortOwner, Page: catalog.Page{Cursor: cursors[catalog.PipelineSortUpdated]}},
			{Sort: catalog.PipelineSortUpdated, Page: catalog.Page{Cursor: cursors[""]}},
			{Sort: "last_run"},
		} {
			if _, _, err := db.ListPipelines(ctx, c); catalog.ErrorCode(err) != catalog.EINVALID {
				t.Errorf("%+v: err %v, want EINVALID", c, err)
			}
		}
	})
}

func pipelineNames(ps []*catalog.Pipeline) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}
