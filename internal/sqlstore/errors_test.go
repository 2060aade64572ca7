package sqlstore_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// TestClassifyError_PostgresRefusals: a value Postgres refuses is
// EINVALID, not internal, even when no request check caught it first; on
// SQLite the same value is stored.
func TestClassifyError_PostgresRefusals(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		err := db.CreateOrg(context.Background(), &catalog.Org{Slug: "nul", Name: "a\x00b", Plan: catalog.PlanFree}, nil)
		if db.Engine() == sqlstore.SQLite {
			if err != nil {
				t.Fatalf("SQLite refused NUL: %v", err)
			}
			return
		}
		if code := catalog.ErrorCode(db.ClassifyError(err)); code != catalog.EINVALID {
			t.Fatalf("NUL on Postgres: code %q (%v), want %s", code, err, catalog.EINVALID)
		}
		err = db.CreateOrg(context.Background(), &catalog.Org{Slug: "bad-utf8", Name: "a\xffb", Plan: catalog.PlanFree}, nil)
		if code := catalog.ErrorCode(db.ClassifyError(err)); code != catalog.EINVALID {
			t.Fatalf("invalid UTF-8 on Postgres: code %q (%v), want %s", code, err, catalog.EINVALID)
		}
	})
}

// TestClassifyError_Unreachable: failing to reach the database is
// EUNAVAILABLE; the caller's own cancellation and other errors are not.
func TestClassifyError_Unreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, openErr := sqlstore.Open(context.Background(), "postgres://postgres@"+addr+"/postgres?sslmode=disable&connect_timeout=2", sqlstore.Options{})
	if openErr == nil {
		t.Fatal("opened a database where nothing listens")
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{openErr, catalog.EUNAVAILABLE},
		{fmt.Errorf("query: %w", driver.ErrBadConn), catalog.EUNAVAILABLE},
		{fmt.Errorf("query: %w", context.Canceled), catalog.EINTERNAL},
		{fmt.Errorf("scan: bad column"), catalog.EINTERNAL},
		{catalog.Errorf(catalog.ENOTFOUND, "gone"), catalog.ENOTFOUND},
	} {
		got := sqlstore.ClassifyError(c.err)
		if code := catalog.ErrorCode(got); code != c.want {
			t.Errorf("%v: code %q, want %q", c.err, code, c.want)
		}
		if c.want == catalog.EUNAVAILABLE && strings.Contains(catalog.ErrorMessage(got), "127.0.0.1") {
			t.Errorf("the message shows the address: %s", catalog.ErrorMessage(got))
		}
	}
}
