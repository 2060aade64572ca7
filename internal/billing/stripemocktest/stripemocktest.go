// Package stripemocktest runs stripe-mock, Stripe's stateless API double,
// for tests: it finds the binary (installing the pinned version with go
// install when it is missing), starts it on free loopback ports, waits until
// it answers and stops it at cleanup.
package stripemocktest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Module is the stripe-mock the tests are written against. Its OpenAPI spec
// is of the "dahlia" API release, which is why go.mod has stripe-go v85.
const Module = "github.com/stripe/stripe-mock@v0.203.0"

// SecretKey is a key stripe-mock accepts (it checks only the form).
const SecretKey = "sk_test_123"

var (
	findOnce sync.Once
	binPath  string
	findErr  error
)

// Start returns the base URL of a new stripe-mock, stopped at cleanup.
// Without stripe-mock the test is skipped with a one-line reason, except
// under CI=true, where it fails.
func Start(t testing.TB) string {
	t.Helper()
	findOnce.Do(func() { binPath, findErr = find() })
	if findErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("stripe-mock is required under CI=true: %v", findErr)
		}
		t.Skipf("stripe-mock not available (go install %s; CI=true requires it): %v", Module, findErr)
	}
	// Both ports are chosen by the kernel: without -https-addr stripe-mock
	// would also bind its fixed default HTTPS port, and parallel runs collide.
	cmd := exec.Command(binPath, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start stripe-mock: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() { // reads to the end, so stripe-mock never blocks on a full pipe
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "Listening for HTTP at address: "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		base := "http://" + a
		waitReady(t, base)
		return base
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait() // so that stderr is complete and no longer written
		t.Fatalf("stripe-mock did not start within 30 s; stderr: %s", stderr.String())
	}
	return ""
}

// waitReady polls until stripe-mock answers an authenticated request.
func waitReady(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest("GET", base+"/v1/customers", nil)
		req.Header.Set("Authorization", "Bearer "+SecretKey)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock at %s not ready: %v", base, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// find returns the stripe-mock binary: the one go install puts in GOBIN or
// $(go env GOPATH)/bin, else one on PATH, else it installs Module.
func find() (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return exec.LookPath("stripe-mock")
	}
	out, err := exec.Command(goBin, "env", "-json", "GOBIN", "GOPATH").Output()
	var env struct{ GOBIN, GOPATH string }
	if err == nil {
		err = json.Unmarshal(out, &env)
	}
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	dir := env.GOBIN
	if dir == "" {
		dir = filepath.Join(filepath.SplitList(env.GOPATH)[0], "bin")
	}
	installed := filepath.Join(dir, "stripe-mock")
	if _, err := os.Stat(installed); err == nil {
		return installed, nil
	}
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	install := exec.Command(goBin, "install", Module)
	// go test's GOFLAGS (-race -count=1 in CI) mean nothing to go install.
	install.Env = append(os.Environ(), "GOFLAGS=")
	if msg, err := install.CombinedOutput(); err != nil {
		first, _, _ := strings.Cut(strings.TrimSpace(string(msg)), "\n")
		return "", errors.New("go install failed: " + first)
	}
	return installed, nil
}
