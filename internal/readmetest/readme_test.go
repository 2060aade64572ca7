package readmetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/server"
)

// root is the repository, seen from this package's directory.
const root = "../.."

// walkthrough returns the README's lines with every line that is not in a
// ```sh block of the walkthrough (the "## Walkthrough" section down to the
// next "## " heading) blanked, so line n of the result is line n of
// README.md and a failure names the README's line.
func walkthrough(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	out := make([]string, len(lines))
	inSection, inBlock, blocks := false, false, 0
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "## "):
			inSection = strings.HasPrefix(line, "## Walkthrough")
		case inSection && !inBlock && line == "```sh":
			inBlock = true
			blocks++
		case inBlock && line == "```":
			inBlock = false
		case inBlock:
			out[i] = line
		}
	}
	if blocks < 3 {
		t.Fatalf("found %d sh blocks in the README's walkthrough; has the section been renamed?", blocks)
	}
	return out
}

// status is a "# → 201" line: the HTTP status of the requests above it.
var status = regexp.MustCompile(`^\s*# → (\d{3})\b`)

// prelude runs before the walkthrough. Its curl records the status of
// every answer (from the headers, so the body still goes to jq), and
// expect_status checks the statuses recorded since the previous
// annotation against the README's.
const prelude = `set -euo pipefail
statuses="$(mktemp)"
curl() {
  local - headers rc=0
  set +x
  headers="$(mktemp)"
  command curl -D "$headers" "$@" || rc=$?
  awk '/^HTTP\//{code=$2} END{print code}' "$headers" >> "$statuses"
  rm -f "$headers"
  return $rc
}
expect_status() {
  local -
  set +x
  if [ ! -s "$statuses" ]; then
    echo "README.md:$2: '# → $1' follows no request" >&2; exit 1
  fi
  while read -r got; do
    if [ "$got" != "$1" ]; then
      echo "README.md:$2: a request answered $got; the README says $1" >&2; exit 1
    fi
  done < "$statuses"
  : > "$statuses"
}
no_status_left() {
  local -
  set +x
  if [ -s "$statuses" ]; then
    echo "README.md: the walkthrough ends with requests that no '# → NNN' line covers" >&2; exit 1
  fi
}
PS4='+ README.md:${LINENO}: '
set -x
`

// script turns the walkthrough into a bash script for a server at addr.
// Lines that need Graphviz become no-ops when dot is not installed.
func script(lines []string, addr string, haveDot bool) string {
	out := make([]string, len(lines))
	copy(out, lines)
	for i, line := range out {
		switch m := status.FindStringSubmatch(line); {
		case m != nil:
			out[i] = fmt.Sprintf("expect_status %s %d", m[1], i+1)
		case !haveDot && strings.Contains(line, "| dot "):
			out[i] = ": skipped, Graphviz is not installed"
		default:
			out[i] = strings.ReplaceAll(line, "localhost:8000", addr)
		}
	}
	// Line 1 is the README's title: the prelude goes there, on one line,
	// so the walkthrough's lines keep their numbers.
	out[0] = `source "$DXP_PRELUDE"`
	return strings.Join(out, "\n") + "\nno_status_left\n"
}

// need finds a tool the walkthrough uses: missing, the test skips, and
// under CI it fails.
func need(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the README walkthrough needs %s (.ci/run installs jq): %v", tool, err)
		}
		t.Skipf("the README walkthrough needs %s, which is not installed", tool)
	}
}

// startServer serves a development catalog on a free port with a fresh
// SQLite file, as "dxp serve" would, and returns its host:port.
func startServer(t *testing.T, dir string) string {
	t.Helper()
	env := map[string]string{"DATAXPIPE_DB": filepath.Join(dir, "dataxpipe.db"), "DATAXPIPE_ENV": "development"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(context.Background(), cfg, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		srv.Close()
	})
	return ln.Addr().String()
}

// buildDXP builds the dxp command into dir, as "go install ./cmd/dxp"
// would put it on a reader's PATH.
func buildDXP(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "dxp"), "./cmd/dxp")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/dxp: %v\n%s", err, out)
	}
}

func TestREADME_WalkthroughRuns(t *testing.T) {
	need(t, "bash")
	need(t, "curl")
	need(t, "jq")
	_, err := exec.LookPath("dot")
	haveDot := err == nil
	lines := walkthrough(t)

	tmp := t.TempDir()
	bin, work := filepath.Join(tmp, "bin"), filepath.Join(tmp, "work")
	for _, d := range []string{bin, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	buildDXP(t, bin)
	// The reader runs the steps from the repository's root; the test runs
	// them in a directory of its own, where only examples/ is the
	// repository's, so the files the steps write stay out of the checkout.
	examples, err := filepath.Abs(filepath.Join(root, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(examples, filepath.Join(work, "examples")); err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, tmp)

	preludeFile, scriptFile := filepath.Join(tmp, "prelude.sh"), filepath.Join(tmp, "walkthrough.sh")
	if err := os.WriteFile(preludeFile, []byte(prelude), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(scriptFile, []byte(script(lines, addr, haveDot)), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", scriptFile)
	cmd.Dir = work
	cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + tmp, "LANG=C.UTF-8",
		"DXP_PRELUDE=" + preludeFile,
		// dxp's default, http://localhost:8000, is where the README's
		// server is; this one listens elsewhere.
		"DATAXPIPE_API_URL=http://" + addr}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("the walkthrough did not finish in time:\n%s", out.String())
	}
	if err != nil {
		t.Fatalf("the README walkthrough failed (%v); the trace names README.md's lines:\n%s", err, out.String())
	}
	if !haveDot {
		t.Log("Graphviz (dot) is not installed: the PNG step was skipped")
	}

	// What the steps made is really there: the reader's last command
	// printed the audit log, and the lineage picture was drawn.
	for _, want := range []string{"3 pipelines: 2 created, 1 unchanged", "Pipelines:     3 of 3", "pipeline.registered"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the walkthrough's output lacks %q:\n%s", want, out.String())
		}
	}
	if svg, err := os.ReadFile(filepath.Join(work, "lineage.svg")); err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("lineage.svg: %v %.80q", err, svg)
	}
	if res, err := http.Get("http://" + addr + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Errorf("the server did not survive the walkthrough: %v", err)
	}
}

// TestScript_ChecksStatuses makes sure the walkthrough test can fail: a
// wrong status, an annotation without a request, a request without an
// annotation and a failing command each stop the script.
func TestScript_ChecksStatuses(t *testing.T) {
	need(t, "bash")
	need(t, "curl")
	mux := http.NewServeMux()
	mux.HandleFunc("/created", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{}") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	tmp := t.TempDir()
	preludeFile := filepath.Join(tmp, "prelude.sh")
	os.WriteFile(preludeFile, []byte(prelude), 0o644)
	run := func(body ...string) (string, error) {
		lines := append([]string{"# title"}, body...)
		f := filepath.Join(tmp, "s.sh")
		os.WriteFile(f, []byte(script(lines, ln.Addr().String(), false)), 0o644)
		cmd := exec.Command("bash", f)
		cmd.Env = append(os.Environ(), "DXP_PRELUDE="+preludeFile)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("curl -s localhost:8000/created", "# → 201", "curl -s localhost:8000/ok", "curl -s localhost:8000/ok", "# → 200"); err != nil {
		t.Fatalf("statuses as annotated: %v\n%s", err, out)
	}
	for name, body := range map[string][]string{
		"wrong status":       {"curl -s localhost:8000/created", "# → 200"},
		"one of a group":     {"curl -s localhost:8000/ok", "curl -s localhost:8000/created", "# → 200"},
		"no request":         {"echo hi", "# → 200"},
		"no annotation":      {"curl -s localhost:8000/ok"},
		"a failing command":  {"false", "curl -s localhost:8000/ok", "# → 200"},
		"a failing pipeline": {"curl -s localhost:8000/ok | jq -e .nope", "# → 200"},
	} {
		if out, err := run(body...); err == nil {
			t.Errorf("%s: the script passed:\n%s", name, out)
		}
	}
	// Graphviz lines are skipped when dot is missing.
	if got := script([]string{"# t", "curl -s x | dot -Tpng > l.png"}, "h:1", false); !strings.Contains(got, ": skipped") || strings.Contains(got, "dot -Tpng") {
		t.Errorf("dot line kept without Graphviz:\n%s", got)
	}
}

// link is a Markdown link's target.
var link = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestREADME_LinksExist: the README links only what exists in the
// repository (and web pages, and its own headings).
func TestREADME_LinksExist(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if h, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " "); ok && strings.HasPrefix(line, "#") {
			anchors[strings.ReplaceAll(strings.ToLower(regexp.MustCompile(`[^\w\- ]`).ReplaceAllString(h, "")), " ", "-")] = true
		}
	}
	for _, m := range link.FindAllStringSubmatch(string(b), -1) {
		target := m[1]
		switch {
		case strings.HasPrefix(target, "http://"), strings.HasPrefix(target, "https://"):
		case strings.HasPrefix(target, "#"):
			if !anchors[target[1:]] {
				t.Errorf("README links %s, which is no heading", target)
			}
		default:
			path, _, _ := strings.Cut(target, "#")
			if _, err := os.Stat(filepath.Join(root, path)); err != nil {
				t.Errorf("README links %s, which is not in the repository", target)
			}
		}
	}
	// Files outside the repository are not the reader's to open.
	if bytes.Contains(b, []byte("../shared/")) {
		t.Error("README refers to ../shared/, outside the repository")
	}
}
