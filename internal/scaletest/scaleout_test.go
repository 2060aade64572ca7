package scaletest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

var client = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// send makes one request and returns the status and body.
func send(t *testing.T, method, url, key, body string, header ...string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("X-API-KEY", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return 0, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// metrics reads from a replica's /metrics the pipeline-list requests it
// answered, by status, and under "fallback" its rate-limit decisions taken
// from the local fallback.
func metrics(t *testing.T, r *Replica) map[string]int {
	t.Helper()
	res, err := client.Get(r.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "dataxpipe_ratelimit_fallback_total") {
			n, _ := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
			out["fallback"] += int(n)
			continue
		}
		if !strings.HasPrefix(line, "dataxpipe_http_requests_total{") || !(strings.Contains(line, `route="GET /api/v1/pipelines/"`) || strings.Contains(line, `route="GET /api/v1/pipelines/{$}"`)) {
			continue
		}
		_, rest, _ := strings.Cut(line, `status="`)
		status, _, _ := strings.Cut(rest, `"`)
		n, _ := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
		out[status] += int(n)
	}
	return out
}

// TestScaleOut runs three `dxp serve` processes on one Postgres and one
// Redis behind HAProxy and checks that what must hold across replicas does:
// rate limits and plan limits are exact, a revoked key is refused
// everywhere within auth.CacheTTL, and a session started on one replica is
// the same session on the others. Throughput is measured by
// BenchmarkScaleOut in bench/, not asserted here.
func TestScaleOut(t *testing.T) {
	d := NewDatabase(t)
	RedisAddr(t)
	Binary(t, "haproxy", "haproxy")
	bin := BuildDXP(t)
	c := StartCluster(t, bin, d, 3)
	store, err := sqlstore.Open(context.Background(), d.App, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	newOrg := func(t *testing.T, plan string) (*catalog.Org, string) {
		return NewOrg(t, store, "scale-"+strings.ToLower(catalog.RandomBase62(8)), plan)
	}
	defer func() {
		if t.Failed() {
			for i, r := range c.Replicas {
				t.Logf("replica %d:\n%s", i, r.Output())
			}
			t.Logf("haproxy:\n%s", c.HAProxy.Output())
		}
	}()

	t.Run("rate limit is one budget across replicas", func(t *testing.T) {
		// A Redis answer slower than the limiter's timeout is decided from
		// the local per-replica share by design (degraded mode, counted in
		// dataxpipe_ratelimit_fallback_total); a burst that met it proves
		// nothing about the shared budget and is run again on a fresh org.
		for attempt := 1; ; attempt++ {
			fellBack := rateLimitBurst(t, c, func() (*catalog.Org, string) { return newOrg(t, catalog.PlanFree) })
			if fellBack == 0 || t.Failed() {
				return
			}
			t.Logf("attempt %d: %d decisions came from the local fallback (Redis slower than its timeout); again", attempt, fellBack)
			if attempt == 3 {
				t.Fatalf("every burst met the rate limiter's local fallback: Redis too slow to check the shared budget")
			}
		}
	})

	t.Run("plan limits hold under concurrent creation across replicas", func(t *testing.T) {
		org, key := newOrg(t, catalog.PlanFree)
		limits := planLimits(t, org.Plan)
		for _, kind := range []struct {
			what, path string
			limit      int
			body       func(i int) string
		}{
			{"pipelines", "/api/v1/pipelines/", *limits.Pipelines, func(i int) string { return Pipeline(fmt.Sprintf("p%d", i)) }},
			{"connections", "/api/v1/connections/", *limits.Connections, func(i int) string {
				return fmt.Sprintf(`{"id":"conn-%d","type":"postgres","config":{"host":"db","port":5432}}`, i)
			}},
		} {
			const attempts = 12
			var mu sync.Mutex
			codes := map[int]int{}
			var wg sync.WaitGroup
			for i := range attempts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := c.Replicas[i%len(c.Replicas)] // every replica races every other
					code, body := send(t, "POST", r.URL+kind.path, key, kind.body(i))
					mu.Lock()
					defer mu.Unlock()
					codes[code]++
					if code != 201 && code != 403 {
						t.Errorf("%s: %d %s", kind.what, code, body)
					}
				}()
			}
			wg.Wait()
			if codes[201] != kind.limit || codes[403] != attempts-kind.limit {
				t.Errorf("%d concurrent %s creations on a plan allowing %d: %v", attempts, kind.what, kind.limit, codes)
			}
		}
		usage, err := store.OrgUsage(context.Background(), org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if usage.Pipelines != *limits.Pipelines || usage.Connections != *limits.Connections {
			t.Errorf("usage after the race: %+v, want the plan's limits", usage)
		}
	})

	t.Run("a revoked key is refused by every replica within the cache bound", func(t *testing.T) {
		_, admin := newOrg(t, catalog.PlanBusiness)
		code, body := send(t, "POST", c.URL+"/api/v1/api-keys/", admin, `{"name":"doomed","role":"member"}`)
		if code != 201 {
			t.Fatalf("create key: %d %s", code, body)
		}
		var k struct{ ID, Key string }
		if err := json.Unmarshal([]byte(body), &k); err != nil {
			t.Fatal(err)
		}
		for i, r := range c.Replicas { // every replica caches the key as valid
			if code, body := send(t, "GET", r.URL+"/api/v1/pipelines/", k.Key, ""); code != 200 {
				t.Fatalf("replica %d before the revocation: %d %s", i, code, body)
			}
		}
		if code, body := send(t, "DELETE", c.Replicas[0].URL+"/api/v1/api-keys/"+k.ID, admin, ""); code != 200 && code != 204 {
			t.Fatalf("revoke: %d %s", code, body)
		}
		revoked := time.Now()
		if code, _ := send(t, "GET", c.Replicas[0].URL+"/api/v1/pipelines/", k.Key, ""); code != 401 {
			t.Errorf("the replica that revoked still accepts the key: %d", code)
		}
		// The others may answer from their caches until CacheTTL after their
		// lookup, which came before the revocation: past that, none may.
		time.Sleep(time.Until(revoked.Add(auth.CacheTTL + 100*time.Millisecond)))
		for i, r := range c.Replicas {
			if code, _ := send(t, "GET", r.URL+"/api/v1/pipelines/", k.Key, ""); code != 401 {
				t.Errorf("replica %d accepts the revoked key %v after the revocation (bound %v): %d", i, time.Since(revoked), auth.CacheTTL, code)
			}
		}
		for range len(c.Replicas) {
			if code, _ := send(t, "GET", c.URL+"/api/v1/pipelines/", k.Key, ""); code != 401 {
				t.Errorf("through HAProxy the revoked key answers %d", code)
			}
		}
	})

	t.Run("a session is the same on every replica", func(t *testing.T) {
		cookie := signIn(t, c.Replicas[0].URL)
		for i, r := range c.Replicas {
			if code, body := send(t, "GET", r.URL+"/pipelines", "", "", "Cookie", cookie); code != 200 {
				t.Errorf("replica %d does not know the session started on replica 0: %d %.200s", i, code, body)
			}
		}
		if code, _ := send(t, "POST", c.Replicas[1].URL+"/auth/logout", "", "", "Cookie", cookie); code >= 400 || code == 0 {
			t.Errorf("sign out on replica 1: %d", code)
		}
		for i, r := range c.Replicas { // sessions are read from the database on every request: at once
			if code, _ := send(t, "GET", r.URL+"/pipelines", "", "", "Cookie", cookie); code == 200 {
				t.Errorf("replica %d still serves the session ended on replica 1", i)
			}
		}
	})
}

// rateLimitBurst sends more requests than a fresh organization's budget
// through HAProxy and checks that exactly the budget (plus what GCRA refilled
// meanwhile) passed, over all replicas together. It returns how many
// decisions the replicas took from their local fallback meanwhile.
func rateLimitBurst(t *testing.T, c *Cluster, newOrg func() (*catalog.Org, string)) int {
	org, key := newOrg()
	limit := planLimits(t, org.Plan).RequestsPerMinute
	before := make([]map[string]int, len(c.Replicas))
	for i, r := range c.Replicas {
		before[i] = metrics(t, r)
	}
	const requests, workers = 160, 8
	var mu sync.Mutex
	codes := map[int]int{}
	jobs := make(chan int)
	var wg sync.WaitGroup
	began := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				code, _ := send(t, "GET", c.URL+"/api/v1/pipelines/", key, "")
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}
		}()
	}
	for i := range requests {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(began)
	answered, fellBack := 0, 0
	for i, r := range c.Replicas {
		after := metrics(t, r)
		n := after["200"] + after["429"] - before[i]["200"] - before[i]["429"]
		if n > 0 {
			answered++
		}
		fellBack += after["fallback"] - before[i]["fallback"]
		t.Logf("replica %d answered %d (%d refused)", i, n, after["429"]-before[i]["429"])
	}
	t.Logf("%v in %v", codes, elapsed)
	if fellBack > 0 {
		return fellBack
	}
	// GCRA refills one request every minute/limit: what returned while the
	// burst ran may pass too, and nothing else. A budget per replica would
	// have let all of them through.
	refill := int(elapsed/(time.Minute/time.Duration(limit))) + 1
	if codes[200] < limit || codes[200] > limit+refill || codes[200]+codes[429] != requests {
		t.Errorf("%d requests across %d replicas with a budget of %d/min: %v in %v (refill at most %d)",
			requests, len(c.Replicas), limit, codes, elapsed, refill)
	}
	if answered != len(c.Replicas) {
		t.Errorf("HAProxy spread the requests over %d of %d replicas", answered, len(c.Replicas))
	}
	return 0
}

// signIn signs in through the development sign-in of base and returns the
// session cookie as a Cookie header value.
func signIn(t *testing.T, base string) string {
	t.Helper()
	form := url.Values{"identity": {"member"}}.Encode()
	req, _ := http.NewRequest("POST", base+"/auth/dev", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.Name == "dxp_session" && ck.Value != "" {
			return ck.Name + "=" + ck.Value
		}
	}
	t.Fatalf("development sign-in set no session cookie: %d %v", res.StatusCode, res.Header)
	return ""
}

func planLimits(t *testing.T, plan string) catalog.Limits {
	t.Helper()
	l, ok := catalog.PlanLimits(plan)
	if !ok {
		t.Fatalf("no plan %s", plan)
	}
	return l
}
