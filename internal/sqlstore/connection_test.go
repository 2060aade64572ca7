package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/secretbox"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

var testSecretKey = bytes.Repeat([]byte{42}, secretbox.KeySize)

// pgConnection is a connection with plaintext secrets at the top, nested
// in an object and in an array, next to references that are not secrets.
func pgConnection(id string) *catalog.Connection {
	return &catalog.Connection{ID: id, Type: "postgres", Description: "orders database", Config: map[string]any{
		"host": "db.internal", "port": json.Number("5432"), "password": "hunter2",
		"password_secret": "vault/pg/pw",
		"oauth":           map[string]any{"client_id": "cid", "client_secret": "oauth-cs-value"},
		"replicas":        []any{map[string]any{"host": "r1", "db_password": "replica-pw"}},
	}}
}

// eachWithOwner is sqlstoretest.Each that also hands over the owner's
// connection: on Postgres the store runs as the application role, which
// row-level security keeps from reading raw rows without an organization.
func eachWithOwner(t *testing.T, fn func(t *testing.T, db, owner *sqlstore.DB)) {
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			db, owner := sqlstoretest.OpenWithOwner(t, e)
			fn(t, db, owner)
		})
	}
}

func TestConnectionService_CRUD(t *testing.T) {
	eachWithOwner(t, func(t *testing.T, db, owner *sqlstore.DB) {
		sqlstore.SetSecretKeyForTest(db, testSecretKey)
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanTeam)
		c := pgConnection("pg-prod")
		if err := db.CreateConnection(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindConnection(ctx, "pg-prod")
		if err != nil {
			t.Fatal(err)
		}
		want := `{"host":"db.internal","oauth":{"client_id":"cid","client_secret":"********"},"password":"********",` +
			`"password_secret":"vault/pg/pw","port":5432,"replicas":[{"db_password":"********","host":"r1"}]}`
		if b, _ := json.Marshal(got.Config); string(b) != want {
			t.Fatalf("config read back as\n%s\nwant\n%s", b, want)
		}
		if got.Type != "postgres" || got.Description != "orders database" || got.OrgID != org.ID {
			t.Fatalf("connection = %+v", got)
		}
		if err := db.CreateConnection(ctx, pgConnection("pg-prod")); catalog.ErrorCode(err) != catalog.ECONFLICT {
			t.Fatalf("second pg-prod: %v, want conflict", err)
		}
		bad := &catalog.Connection{ID: "BQ_prod", Config: map[string]any{}}
		if err := db.CreateConnection(ctx, bad); catalog.ErrorCode(err) != catalog.EINVALID || !strings.Contains(err.(*catalog.Error).Fields[0].Message, "^[a-z][a-z0-9-]{0,62}$") {
			t.Fatalf("bad id: %v, want a 422 naming the pattern", err)
		}

		// Replace: the mask keeps a stored secret; a new value is sealed anew.
		upd := &catalog.Connection{ID: "pg-prod", Type: "postgres", Config: map[string]any{
			"host": "db2.internal", "password": catalog.SecretMask, "oauth": map[string]any{"client_secret": "rotated"}}}
		if err := db.ReplaceConnection(ctx, upd); err != nil {
			t.Fatal(err)
		}
		if upd.Description != "" || upd.Config["host"] != "db2.internal" || upd.Config["password"] != catalog.SecretMask {
			t.Fatalf("replaced = %+v", upd)
		}
		if got := openStoredSecret(t, owner, org.ID, "pg-prod", "config.password"); got != "hunter2" {
			t.Fatalf("kept password opens to %q, want hunter2", got)
		}
		if got := openStoredSecret(t, owner, org.ID, "pg-prod", "config.oauth.client_secret"); got != "rotated" {
			t.Fatalf("new client_secret opens to %q, want rotated", got)
		}
		nothing := &catalog.Connection{ID: "pg-prod", Type: "postgres", Config: map[string]any{"token": catalog.SecretMask}}
		if err := db.ReplaceConnection(ctx, nothing); catalog.ErrorCode(err) != catalog.EINVALID {
			t.Fatalf("mask with nothing stored: %v, want validation_failed", err)
		}
		if err := db.ReplaceConnection(ctx, pgConnection("nope")); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("replace unknown: %v, want not_found", err)
		}

		for i := 0; i < 4; i++ {
			if err := db.CreateConnection(ctx, &catalog.Connection{ID: fmt.Sprintf("s3-%d", i), Type: "s3", Config: map[string]any{}}); err != nil {
				t.Fatal(err)
			}
		}
		var ids []string
		for cursor := ""; ; {
			page, next, err := db.ListConnections(ctx, catalog.Page{Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				ids = append(ids, c.ID)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if got := strings.Join(ids, ","); got != "pg-prod,s3-0,s3-1,s3-2,s3-3" {
			t.Fatalf("paged ids = %s", got)
		}
		if err := db.DeleteConnection(ctx, "pg-prod"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindConnection(ctx, "pg-prod"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("after delete: %v", err)
		}
		if err := db.DeleteConnection(ctx, "pg-prod"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("delete twice: %v", err)
		}
		missing, err := db.MissingConnections(ctx, []string{"s3-1", "pg-prod", "s3-1", "bq-prod"})
		if err != nil || strings.Join(missing, ",") != "pg-prod,bq-prod" {
			t.Fatalf("MissingConnections = %v, %v", missing, err)
		}
		events, _, _ := db.ListAuditEvents(ctx, catalog.AuditFilter{})
		var trail []string
		for _, e := range events {
			if strings.HasPrefix(e.Action, "connection.") && e.Target == "pg-prod" {
				trail = append(trail, e.Action)
			}
		}
		if got := strings.Join(trail, ","); got != "connection.deleted,connection.updated,connection.created" {
			t.Fatalf("audit trail of pg-prod = %s", got)
		}
	})
}

// openStoredSecret reads the raw row and opens the sealed value at path.
func openStoredSecret(t *testing.T, db *sqlstore.DB, orgID, connID, path string) string {
	t.Helper()
	cells, err := db.DumpTable(context.Background(), "connections")
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range cells {
		var config map[string]any
		if json.Unmarshal([]byte(cell), &config) != nil {
			continue
		}
		var sealed string
		catalog.MapSecrets(config, func(p string, v any) (any, error) {
			if p == path {
				sealed, _ = v.(string)
			}
			return v, nil
		})
		if sealed == "" {
			continue
		}
		plain, err := secretbox.Open(testSecretKey, sealed, []byte(orgID+"/"+connID+"/"+path))
		if err != nil {
			continue // another connection's row
		}
		var s string
		json.Unmarshal(plain, &s)
		return s
	}
	t.Fatalf("no sealed %s stored for %s", path, connID)
	return ""
}

func TestConnectionService_NoPlaintextAtRest(t *testing.T) {
	eachWithOwner(t, func(t *testing.T, db, owner *sqlstore.DB) {
		sqlstore.SetSecretKeyForTest(db, testSecretKey)
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanTeam)
		if err := db.CreateConnection(ctx, pgConnection("pg-prod")); err != nil {
			t.Fatal(err)
		}
		tables, _ := owner.TableNames(context.Background())
		for _, table := range tables {
			cells, err := owner.DumpTable(context.Background(), table)
			if err != nil {
				t.Fatal(err)
			}
			for _, cell := range cells {
				for _, secret := range []string{"hunter2", "oauth-cs-value", "replica-pw"} {
					if strings.Contains(cell, secret) {
						t.Fatalf("table %s stores %q in the clear: %s", table, secret, cell)
					}
				}
			}
		}
		if got := openStoredSecret(t, owner, org.ID, "pg-prod", "config.replicas[0].db_password"); got != "replica-pw" {
			t.Fatalf("nested secret opens to %q", got)
		}
		// References and ordinary values are stored as given.
		raw, _ := owner.DumpTable(context.Background(), "connections")
		if joined := strings.Join(raw, " "); !strings.Contains(joined, "vault/pg/pw") || !strings.Contains(joined, "db.internal") {
			t.Fatalf("reference or host missing from the row: %s", joined)
		}
	})
}

func TestConnectionService_NoKeyRefusesSecrets(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		err := db.CreateConnection(ctx, pgConnection("pg-prod"))
		if catalog.ErrorCode(err) != catalog.EUNAVAILABLE || !strings.Contains(catalog.ErrorMessage(err), "DATAXPIPE_SECRET_KEY") {
			t.Fatalf("plaintext secret without a key: %v, want unavailable naming DATAXPIPE_SECRET_KEY", err)
		}
		if _, err := db.FindConnection(ctx, "pg-prod"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("refused connection was stored: %v", err)
		}
		refOnly := &catalog.Connection{ID: "sf", Type: "snowflake", Config: map[string]any{"user": "etl", "password_secret": "vault/sf/pw"}}
		if err := db.CreateConnection(ctx, refOnly); err != nil {
			t.Fatalf("references need no key: %v", err)
		}
	})
}

func TestConnectionService_ErrOtherOrg(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		sqlstore.SetSecretKeyForTest(db, testSecretKey)
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		other, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		if err := db.CreateConnection(ctx, pgConnection("pg-prod")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindConnection(other, "pg-prod"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("other org finds it: %v", err)
		}
		if err := db.ReplaceConnection(other, pgConnection("pg-prod")); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("other org replaces it: %v", err)
		}
		if err := db.DeleteConnection(other, "pg-prod"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("other org deletes it: %v", err)
		}
		if items, _, _ := db.ListConnections(other, catalog.Page{}); len(items) != 0 {
			t.Fatalf("other org lists %d connections", len(items))
		}
		if missing, _ := db.MissingConnections(other, []string{"pg-prod"}); len(missing) != 1 {
			t.Fatalf("other org's MissingConnections = %v, want [pg-prod]", missing)
		}
		// The same id is free in the other organization.
		if err := db.CreateConnection(other, pgConnection("pg-prod")); err != nil {
			t.Fatalf("same id in another org: %v", err)
		}
		if got, _ := db.FindConnection(ctx, "pg-prod"); got == nil || got.Config["host"] != "db.internal" {
			t.Fatalf("first org's connection changed: %+v", got)
		}
	})
}

func TestConnectionService_PlanLimitRace(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree) // 2 connections
		if err := db.CreateConnection(ctx, &catalog.Connection{ID: "first", Type: "s3", Config: map[string]any{}}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		codes, start := make(chan string, 20), make(chan struct{})
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start // all at once, so the creations really overlap
				codes <- catalog.ErrorCode(db.CreateConnection(ctx, &catalog.Connection{ID: fmt.Sprintf("c-%d", i), Type: "s3", Config: map[string]any{}}))
			}(i)
		}
		close(start)
		wg.Wait()
		close(codes)
		count := map[string]int{}
		for c := range codes {
			count[c]++
		}
		u, err := db.OrgUsage(context.Background(), org.ID)
		if err != nil || count[""] != 1 || count[catalog.ELIMIT] != 19 || u.Connections != 2 {
			t.Fatalf("outcomes %v, usage %+v (%v); want 1 created, 19 plan_limit_exceeded, 2 connections", count, u, err)
		}
		err = db.CreateConnection(ctx, &catalog.Connection{ID: "one-more", Type: "s3", Config: map[string]any{}})
		var e *catalog.Error
		if catalog.ErrorCode(err) != catalog.ELIMIT || !errors.As(err, &e) || e.Limit.Resource != "connections" || e.Limit.Limit != 2 || e.Limit.Usage != 2 {
			t.Fatalf("at the limit: %v", err)
		}
	})
}
