package notify_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/notify"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/testrig"
)

// TestKillChild is the server process TestWorker_KillBetweenCommitAndDelivery
// kills: it commits a failed run (and so its event), says so, and starts
// delivering it to a receiver that never answers.
func TestKillChild(t *testing.T) {
	dsn := os.Getenv("DXP_KILL_DSN")
	if dsn == "" {
		t.Skip("the child process of TestWorker_KillBetweenCommitAndDelivery")
	}
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{SecretKey: sqlstoretest.TestSecretKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := catalog.NewContextWithPrincipal(context.Background(), &catalog.Principal{OrgID: os.Getenv("DXP_KILL_ORG"), Role: catalog.RoleAdmin, KeyID: "key_child"})
	if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunFailed}); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("committed\n")
	w := &notify.Worker{Queue: db, Client: notify.Guard{AllowPrivate: true}.Client(10 * time.Second), Policy: catalog.DefaultRetryPolicy,
		Timeout: 10 * time.Second, Batch: 10}
	w.RunOnce(context.Background())
	select {} // killed before this
}

// kill -9 of the server after the event's commit, mid-delivery: after a
// restart the delivery comes back when its lease ends and is delivered.
func TestWorker_KillBetweenCommitAndDelivery(t *testing.T) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			db, dsn := sqlstoretest.OpenKeyedDSN(t, engine)
			clock := testrig.NewClock(time.Now().UTC())
			var secret string
			var mu sync.Mutex
			first := true
			inFlight := make(chan struct{})
			release := make(chan struct{})
			var delivered []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				if first {
					first = false
					mu.Unlock()
					close(inFlight)
					<-release // the child dies waiting for this answer
					return
				}
				defer mu.Unlock()
				if err := verify(secret, r.Header, body, clock.Now()); err != nil {
					t.Errorf("after restart: %v", err)
				}
				delivered = append(delivered, r.Header.Get("webhook-id"))
				w.WriteHeader(http.StatusOK)
			}))
			defer srv.Close()
			defer close(release)
			ctx, w := setup(t, db, clock, srv.URL, catalog.WebhookFormatJSON, catalog.EventRunFailed)
			secret = w.Secret
			db.Now = time.Now // the child's clock is the real one too
			org := catalog.PrincipalFromContext(ctx).OrgID

			child := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
			child.Env = append(os.Environ(), "DXP_KILL_DSN="+dsn, "DXP_KILL_ORG="+org)
			out, err := child.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			child.Stderr = os.Stderr
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			committed := make(chan bool, 1)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					if strings.TrimSpace(sc.Text()) == "committed" {
						committed <- true
					}
				}
				close(committed)
			}()
			hang := time.After(2 * time.Minute) // a hang guard only
			select {
			case ok := <-committed:
				if !ok {
					t.Fatal("the child ended before committing")
				}
			case <-hang:
				t.Fatal("the child never committed")
			}
			select {
			case <-inFlight:
			case <-hang:
				t.Fatal("the child never started delivering")
			}
			if err := child.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			child.Wait()

			// The restarted server: a new store and worker on the same
			// database. Until the dead claim's lease ends nothing is due.
			restarted, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{SecretKey: sqlstoretest.TestSecretKey})
			if err != nil {
				t.Fatal(err)
			}
			defer restarted.Close()
			clock = testrig.NewClock(time.Now().UTC())
			restarted.Now = clock.Now
			wk := worker(restarted, clock)
			if n, err := wk.RunOnce(context.Background()); err != nil || n != 0 {
				t.Fatalf("before the lease ended: %d, %v", n, err)
			}
			clock.Advance(5 * time.Minute)
			if n, err := wk.RunOnce(context.Background()); err != nil || n != 1 {
				t.Fatalf("after the lease ended: %d, %v", n, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(delivered) != 1 {
				t.Fatalf("delivered %v after the restart, want the one event", delivered)
			}
		})
	}
}
