//go:build linux

package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// openPTY opens a pseudo-terminal: what dxp writes to tty reads back from
// the returned function once tty is closed.
func openPTY(t *testing.T) (tty *os.File, output func() string) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var n, unlock uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlock pty: %v", e)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("pty number: %v", e)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&buf, master) // ends with EIO once the terminal side is closed
		close(done)
	}()
	return tty, func() string {
		tty.Close()
		<-done
		return buf.String()
	}
}

// runOnTerminal runs dxp with standard error on a terminal.
func runOnTerminal(t *testing.T, env map[string]string, args ...string) (stdout, terminal string) {
	t.Helper()
	tty, output := openPTY(t)
	var out bytes.Buffer
	err := Run(context.Background(), args, Env{Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: tty})
	terminal = output()
	if err != nil {
		t.Fatalf("dxp %v: %v\n%s", args, err, terminal)
	}
	return out.String(), terminal
}

func TestProgress_OnATerminalOnly(t *testing.T) {
	tc := newTestCatalog(t, "free")
	env := tc.env(tc.admin)

	stdout, term := runOnTerminal(t, env, "pipelines", "apply", "-f", "../../examples")
	for _, want := range []string{"\r\x1b[Kapplying 1/3 customers_sync…", "\r\x1b[Kapplying 3/3 orders_sync…"} {
		if !strings.Contains(term, want) {
			t.Errorf("the terminal lacks %q: %q", want, term)
		}
	}
	if !strings.HasSuffix(term, "\r\x1b[K") {
		t.Errorf("the status line is left on the terminal: %q", term)
	}
	if strings.Contains(stdout, "applying") || !strings.Contains(stdout, "3 pipelines: 3 created") {
		t.Errorf("progress reached standard output:\n%s", stdout)
	}

	if _, term := runOnTerminal(t, env, "pipelines", "apply", "-f", "../../examples", "--dry-run"); !strings.Contains(term, "\r\x1b[Kpreviewing 2/3 inventory_snapshot…") {
		t.Errorf("a dry run on a terminal: %q", term)
	}

	cl := tc.client(t, tc.admin)
	for i := 0; i < 501; i++ {
		if _, err := cl.CreateRun(t.Context(), newRun("orders_sync", fmt.Sprintf("r%03d", i))); err != nil {
			t.Fatal(err)
		}
	}
	_, term = runOnTerminal(t, env, "runs", "list", "--output", "json")
	if !strings.Contains(term, "\r\x1b[Kfetched 500 runs, reading the next page…") || !strings.HasSuffix(term, "\r\x1b[K") {
		t.Errorf("runs list on a terminal: %q", term)
	}

	// Not a terminal (CI): nothing on standard error.
	for _, args := range [][]string{{"pipelines", "apply", "-f", "../../examples"}, {"runs", "list"}} {
		if r := tc.dxp(t, args...).must(t); r.stderr != "" {
			t.Errorf("dxp %v wrote to a standard error that is no terminal: %q", args, r.stderr)
		}
	}
}
