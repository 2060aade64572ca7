package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// tcpServer serves a development Server with limits on a real loopback
// listener, as dxp serve does, and returns its address.
func tcpServer(t *testing.T, limits Limits) string {
	t.Helper()
	s, err := New(context.Background(), load(t, map[string]string{"DATAXPIPE_DB": t.TempDir() + "/l.db", "DATAXPIPE_ENV": "development"}),
		Options{Limits: limits})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; s.Close() })
	return ln.Addr().String()
}

// dial opens a raw connection and writes what a client sent so far.
func dial(t *testing.T, addr, sent string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, sent); err != nil {
		t.Fatal(err)
	}
	return c
}

// giveUp bounds how long the test waits for the server to close a
// connection. It only keeps a broken server from hanging the test: the
// deadlines under test are a fraction of it.
const giveUp = 30 * time.Second

// closedByServer reads c until the server ends it and returns what it
// sent before, or an error if the connection was still open at giveUp.
func closedByServer(c net.Conn) (string, error) {
	c.SetReadDeadline(time.Now().Add(giveUp))
	b, err := io.ReadAll(c) // nil error: the server closed (EOF)
	if errors.Is(err, syscall.ECONNRESET) {
		err = nil // closed with unread input: a close too
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return string(b), fmt.Errorf("still open after %s", giveUp)
	}
	return string(b), err
}

func request(method, path, key string, contentLength int) string {
	r := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: catalog.test\r\n", method, path)
	if key != "" {
		r += "X-API-KEY: " + key + "\r\n"
	}
	if contentLength >= 0 {
		r += fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\n", contentLength)
	}
	return r + "\r\n"
}

const lineageEvent = `{"eventTime":"2024-05-01T04:00:00Z","producer":"https://example.test/producer",` +
	`"schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent",` +
	`"job":{"namespace":"airflow://prod","name":"orders_sync"},` +
	`"inputs":[{"namespace":"postgres://prod:5432","name":"ecommerce.orders"}],` +
	`"outputs":[{"namespace":"bigquery","name":"analytics.orders_clean"}]}`

// trickle sends a request whose body arrives in two halves pause apart,
// and returns the status the server answered, or 0 when it closed the
// connection without a whole answer.
func trickle(t *testing.T, addr, path, body string, pause time.Duration) int {
	t.Helper()
	c := dial(t, addr, request("POST", path, "dev-key", len(body))+body[:len(body)/2])
	time.Sleep(pause)
	c.Write([]byte(body[len(body)/2:])) // fails when the server has closed already
	c.SetReadDeadline(time.Now().Add(giveUp))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// Issue 13, defect 3: idle keep-alive connections, requests whose headers
// or body stall, and oversized headers are cut off by the server's limits,
// while other clients go on being served. The deadlines are short here;
// the assertions are about what is closed and what is served, not about
// how fast, so a loaded machine only makes the test slower.
func TestServe_SlowAndIdleClientsAreCutOffWhileOthersAreServed(t *testing.T) {
	const read = time.Second
	addr := tcpServer(t, Limits{ReadHeader: read, Read: read, Write: 20 * time.Second, Idle: read,
		LineageRead: 20 * time.Second, LineageWrite: 20 * time.Second, MaxHeaderBytes: 8 << 10})

	const n = 40
	var stalled []net.Conn
	var kinds []string
	for i := 0; i < n; i++ {
		// Idle keep-alive: one whole request, then silence.
		idle := dial(t, addr, request("GET", "/healthz", "", -1))
		res, err := http.ReadResponse(bufio.NewReader(idle), nil)
		if err != nil || res.StatusCode != 200 || res.Close {
			t.Fatalf("keep-alive request: %v %v", res, err)
		}
		io.Copy(io.Discard, res.Body) // all of the answer, so what follows on the connection is its close
		// A body that stops after 10 of its 1,000 bytes.
		slowBody := dial(t, addr, request("POST", "/api/v1/pipelines/", "dev-key", 1000)+`{"name":"a`)
		// Headers that never end.
		slowHeader := dial(t, addr, "GET /healthz HTTP/1.1\r\nHost: catalog.test\r\nX-Slow: ")
		stalled = append(stalled, idle, slowBody, slowHeader)
		kinds = append(kinds, "idle keep-alive", "slow body", "slow header")
	}

	// With all of them open, another client is served, on new connections.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; i < 5; i++ {
		res, err := client.Get("http://" + addr + "/healthz")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("healthz beside %d stalled connections: %v %v", len(stalled), res, err)
		}
		res.Body.Close()
	}

	var wg sync.WaitGroup
	errs := make([]error, len(stalled))
	answers := make([]string, len(stalled))
	for i, c := range stalled {
		wg.Add(1)
		go func() { defer wg.Done(); answers[i], errs[i] = closedByServer(c) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("%s connection %d: %v", kinds[i], i/3, err)
		}
		// A stalled body is answered 400 (its read failed) at most; the
		// other two are closed without another answer.
		if kinds[i] != "slow body" && answers[i] != "" {
			t.Errorf("%s connection %d got %q before the close", kinds[i], i/3, answers[i])
		}
	}

	// Oversized headers are refused with 431.
	big := dial(t, addr, "GET /healthz HTTP/1.1\r\nHost: catalog.test\r\nX-Big: "+strings.Repeat("a", 20<<10)+"\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(big), nil)
	if err != nil || res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("20 KiB header with an 8 KiB cap: %v %v", res, err)
	}
}

// OpenLineage ingest reads its body under the longer lineage deadline: a
// body that pauses past the ordinary read deadline still lands there, and
// the same pause cuts an ordinary write route off.
func TestServe_LineageIngestHasTheLongerBodyDeadline(t *testing.T) {
	const read = 750 * time.Millisecond
	addr := tcpServer(t, Limits{ReadHeader: read, Read: read, Write: 20 * time.Second, Idle: 20 * time.Second,
		LineageRead: 20 * time.Second, LineageWrite: 20 * time.Second})
	pause := 3 * read // surely past the ordinary deadline, far inside the lineage one
	if code := trickle(t, addr, "/api/v1/lineage", lineageEvent, pause); code != 201 {
		t.Errorf("single event paused %s: %d, want 201", pause, code)
	}
	if code := trickle(t, addr, "/api/v1/lineage/batch", "["+lineageEvent+"]", pause); code/100 != 2 {
		t.Errorf("batch paused %s: %d, want 2xx", pause, code)
	}
	pipeline := func(version string) string {
		return `{"name":"orders_sync","version":"` + version + `","owner":"data@acme.com","schedule":"@daily",
		 "sources":[{"id":"raw_orders","type":"postgres","object":"ecommerce.orders"}],
		 "targets":[{"id":"clean_orders","type":"bigquery","object":"analytics.orders_clean","inputs":["raw_orders"]}]}`
	}
	if code := trickle(t, addr, "/api/v1/pipelines/", pipeline("1.0.0"), 0); code != 201 {
		t.Fatalf("pipeline sent at once: %d, want 201", code)
	}
	if code := trickle(t, addr, "/api/v1/pipelines/", pipeline("1.1.0"), pause); code/100 == 2 {
		t.Errorf("pipeline body paused %s past the %s read deadline: %d, want it cut off", pause, read, code)
	}
}

func TestLimits_ZeroFieldsTakeTheDefaults(t *testing.T) {
	l := Limits{Read: time.Second}.withDefaults()
	want := DefaultLimits
	want.Read = time.Second
	if l != want {
		t.Fatalf("withDefaults = %+v, want %+v", l, want)
	}
	srv := DefaultLimits.httpServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 || srv.MaxHeaderBytes == 0 {
		t.Fatalf("http.Server without a limit: %+v", srv)
	}
}
