package main

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be dxp itself: with DXP_TEST_MAIN set it
// runs main, so the tests below see real exit statuses and signals.
func TestMain(m *testing.M) {
	if os.Getenv("DXP_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// dxp starts this binary as dxp with args, in the repository root.
func dxp(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = "../.."
	cmd.Env = append([]string{"DXP_TEST_MAIN=1", "PATH=" + os.Getenv("PATH")}, env...)
	return cmd
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestMain_ExitStatuses(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"--help"}, 0, "dxp serve", ""},
		{[]string{"spec", "validate", "examples"}, 0, "3 specs valid", ""},
		{[]string{"spec", "validate", "examples/invalid/cycle.yaml"}, 1, "lineage has a cycle", "dxp: 1 problem in 1 file\n"},
		{[]string{"pipeline", "list"}, 2, "", `dxp: unknown command "pipeline"; did you mean "dxp pipelines"?`},
	} {
		var out, errOut bytes.Buffer
		cmd := dxp(t, nil, tc.args...)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		code := exitCode(cmd.Run())
		if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errOut.String(), tc.stderr) {
			t.Errorf("dxp %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tc.args, " "), code, tc.code, out.String(), errOut.String())
		}
	}
}

// dxp serve stops on SIGTERM, as an orchestrator stops it, and exits 0.
func TestMain_ServeStopsOnSIGTERM(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs bytes.Buffer
	cmd := dxp(t, []string{"DATAXPIPE_DB=" + t.TempDir() + "/m.db", "DATAXPIPE_ENV=development", "DATAXPIPE_ADDR=" + addr}, "serve")
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("serve did not answer /healthz")
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if code := exitCode(err); code != 0 {
			t.Fatalf("serve after SIGTERM: exit %d\n%s", code, logs.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not stop on SIGTERM")
	}
}
