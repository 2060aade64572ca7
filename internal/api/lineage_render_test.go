package api_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// layeredLineage reports, through OpenLineage, layers+1 columns of width
// datasets with every dataset of a column feeding every one of the next:
// layers × width² edges.
func layeredLineage(e *env, key string, layers, width int) {
	e.t.Helper()
	list := func(layer int) string {
		var items []string
		for i := 0; i < width; i++ {
			items = append(items, fmt.Sprintf(`{"namespace":"warehouse","name":"l%d_d%d"}`, layer, i))
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	for l := 0; l < layers; l++ {
		e.do("POST", "/api/v1/lineage", key, fmt.Sprintf(`{"eventType":"COMPLETE","eventTime":"2026-06-07T05:00:00Z",
		  "producer":"https://example.com/big","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		  "run":{"runId":"0190a0b0-0000-7000-8000-%012d"},"job":{"namespace":"big","name":"step%d"},
		  "inputs":%s,"outputs":%s}`, l+1, l, list(l), list(l+1))).expect(201)
	}
}

// TestLineageSVG_LargeDrawingDoesNotDelayAnotherOrg draws one
// organization's 101-dataset, 1,620-edge walk over and over while another
// organization draws its 4-dataset walk now and then: the small drawings
// must not queue behind the large ones (they did behind the process-wide
// Graphviz lock, waiting half a large drawing on average). The pauses and
// the assertion are ratios to the large drawing's own time, not
// wall-clock bounds: a small drawing takes well under a quarter of a large
// one even while large ones run.
func TestLineageSVG_LargeDrawingDoesNotDelayAnotherOrg(t *testing.T) {
	e := sqliteEnv(t)
	_, big := e.newOrg("big", catalog.PlanBusiness)
	_, small := e.newOrg("small", catalog.PlanTeam)
	layeredLineage(e, big, 5, 20)
	e.do("POST", "/api/v1/pipelines/", small, ordersJSON).expect(201)

	draw := func(key, path string) time.Duration {
		start := time.Now()
		res := e.do("GET", path, key, "")
		if res.Code != 200 || res.Header().Get("Content-Type") != "image/svg+xml" {
			t.Errorf("%s: %d %s", path, res.Code, truncate(res.Body.String()))
		}
		return time.Since(start)
	}
	const largePath, smallPath = "/api/v1/lineage/l0_d0?format=svg&direction=downstream&depth=5", "/api/v1/lineage/clean_orders?format=svg"
	if g := e.do("GET", strings.Replace(largePath, "format=svg", "format=json", 1), big, "").expect(200).json(); len(g["edges"].([]any)) != 1620 {
		t.Fatalf("large walk has %d edges, want 1620", len(g["edges"].([]any)))
	}
	alone := draw(big, largePath) // also warms both paths up
	draw(small, smallPath)

	var mu sync.Mutex
	var large []time.Duration
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				d := draw(big, largePath)
				mu.Lock()
				large = append(large, d)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(20 * time.Millisecond) // the large drawings are under way
	var smalls []time.Duration
	for range 15 {
		smalls = append(smalls, draw(small, smallPath))
		time.Sleep(alone / 3) // arrive at another point of a large drawing
	}
	mu.Lock()
	for len(large) < 3 { // at least a few large drawings to compare with
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		mu.Lock()
	}
	mu.Unlock()
	close(stop)
	wg.Wait()
	medSmall, medLarge := median(smalls), median(large)
	t.Logf("median small drawing %v, large %v (%d large drawings)", medSmall, medLarge, len(large))
	if medSmall*4 > medLarge {
		t.Fatalf("a 4-dataset drawing took %v (median) while another organization drew 1,620 edges in %v: it waited for it", medSmall, medLarge)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
