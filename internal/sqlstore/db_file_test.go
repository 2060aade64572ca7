package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// The database holds key hashes and sealed secrets: other users of the
// machine must not read it, nor its write-ahead log.
func TestOpen_SQLiteFilesArePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.db")
	db, err := sqlstore.Open(context.Background(), path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil { // writes, so the WAL and SHM files exist
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		if err != nil {
			t.Fatalf("stat %s: %v", name, err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(name), mode)
		}
	}
}
