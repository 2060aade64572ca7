package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// leaves lists every command that does something, by its path without
// "dxp " ("pipelines apply", "serve").
func leaves(t *testing.T) []*cobra.Command {
	t.Helper()
	var out []*cobra.Command
	forEach(newRoot(&cli{}), func(cmd *cobra.Command) {
		if cmd.HasParent() && !cmd.HasSubCommands() && cmd.IsAvailableCommand() {
			out = append(out, cmd)
		}
	})
	if len(out) < 17 {
		t.Fatalf("only %d commands", len(out))
	}
	return out
}

func TestHelp_ListsEveryCommandWithExamples(t *testing.T) {
	r := runDXP(t, nil, "", "--help").must(t)
	for _, c := range leaves(t) {
		name := strings.TrimPrefix(c.CommandPath(), "dxp ")
		if !strings.Contains(r.stdout, "dxp "+name+" ") {
			t.Errorf("dxp --help lacks %s", name)
		}
		if c.Example == "" || c.Long == "" || c.Short == "" {
			t.Errorf("%s lacks help text or examples", name)
		}
		words := strings.Fields(name)
		for _, args := range [][]string{append(words, "--help"), append(words, "-h"), append([]string{"help"}, words...)} {
			r := runDXP(t, nil, "", args...).must(t)
			if !strings.HasPrefix(r.stdout, "Usage: dxp "+name) || !strings.Contains(r.stdout, "\nExamples:\n  ") {
				t.Errorf("dxp %s:\n%s", strings.Join(args, " "), r.stdout)
			}
		}
	}
	for _, args := range [][]string{{"keys", "--help"}, {"keys", "help"}, {"help", "keys"}} {
		r = runDXP(t, nil, "", args...).must(t)
		if !strings.Contains(r.stdout, "dxp keys rotate ID") || r.stderr != "" {
			t.Errorf("dxp %s:\n%s", strings.Join(args, " "), r.stdout)
		}
	}
	r = runDXP(t, nil, "", "help").must(t)
	if !strings.HasPrefix(r.stdout, "dxp — the DataXPipe Catalog\n") {
		t.Errorf("dxp help:\n%s", r.stdout)
	}
}

// Flags show in a command's help with the name of their value and their
// default, as pflag prints them.
func TestHelp_ShowsFlagsWithValuesAndDefaults(t *testing.T) {
	r := runDXP(t, nil, "", "lineage", "show", "--help").must(t)
	for _, want := range []string{"--direction DIRECTION", `(default "both")`, "--depth N", "(default 3)", "--output FORMAT", "(default table)", "--api-key KEY"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lineage show --help lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runDXP(t, nil, "", "pipelines", "apply", "--help").must(t)
	if !strings.Contains(r.stdout, "-f, --file FILE") {
		t.Errorf("pipelines apply --help:\n%s", r.stdout)
	}
}

func TestUnknownCommand_SuggestsTheNearest(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"pipeline", "list"}, `unknown command "pipeline"; did you mean "dxp pipelines"?`},
		{[]string{"pipelines", "lst"}, `unknown command "pipelines lst"; did you mean "dxp pipelines list"`},
		{[]string{"serv"}, `did you mean "dxp serve"?`},
		{[]string{"frobnicate"}, `unknown command "frobnicate" (see dxp --help)`},
		{[]string{"keys", "frobnicate"}, `unknown command "keys frobnicate" (see dxp keys --help)`},
	} {
		r := runDXP(t, nil, "", tc.args...)
		if _, ok := r.err.(usageError); !ok || !strings.Contains(r.err.Error(), tc.want) {
			t.Errorf("dxp %s: err = %v, want a usage error containing %q", strings.Join(tc.args, " "), r.err, tc.want)
		}
	}
}

// The spellings the standard flag package accepted keep working.
func TestFlags_OneDashLongNamesStillWork(t *testing.T) {
	atRepoRoot(t)
	r := runDXP(t, nil, "", "spec", "validate", "-output", "json", "examples/orders.yaml").must(t)
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("-output json: %q", r.stdout)
	}
	out := t.TempDir()
	runDXP(t, nil, "", "spec", "build", "--o", out, "examples/orders.yaml").must(t)
	runDXP(t, nil, "", "spec", "build", "examples/orders.yaml", "-o="+out).must(t)
	// A value that looks like a flag is still the value.
	if got := goFlagSpelling(newRoot(&cli{}), []string{"runs", "finish", "r", "--error", "-output", "--", "-depth"}); strings.Join(got, " ") != "runs finish r --error -output -- -depth" {
		t.Fatalf("goFlagSpelling = %q", got)
	}
}

func TestDurationFlag_TakesDays(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 720 * time.Hour, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute, "0s": 0, "-1h": -time.Hour} {
		var d durationFlag
		if err := d.Set(in); err != nil || time.Duration(d) != want {
			t.Errorf("Set(%q) = %v, %v; want %v", in, time.Duration(d), err, want)
		}
	}
	for _, in := range []string{"30 days", "1.5d", "d", "1d-1h", "tomorrow"} {
		var d durationFlag
		if err := d.Set(in); err == nil || !strings.Contains(err.Error(), "30d") {
			t.Errorf("Set(%q) = %v, want an error showing the spelling", in, err)
		}
	}
}

func TestClientCommands_UsageErrors(t *testing.T) {
	env := map[string]string{"DATAXPIPE_API_KEY": "dxp_x"}
	cases := [][]string{
		{"keys"},
		{"keys", "frobnicate"},
		{"spec", "validate"},
		{"spec", "build", "../../examples"},
		{"spec", "validate", "--bogus", "x.yaml"},
		{"pipelines", "apply"},
		{"pipelines", "get"},
		{"pipelines", "get", "a", "b"},
		{"pipelines", "list", "--output", "yaml"},
		{"lineage", "show", "x", "--direction", "sideways"},
		{"lineage", "show", "x", "--depth", "0"},
		{"runs", "finish", "run-1", "--status", "success", "--error", "boom"},
		{"runs", "start", "p", "--attr", "novalue"},
		{"checks", "report", "--run", "r"},
		{"keys", "create", "ci", "--expires-at", "tomorrow"},
		{"keys", "create", "ci", "--expires-in", "a month"},
		{"keys", "create", "ci", "--expires-in", "-1h"},
		{},
		{"frobnicate"},
		{"migrate", "sideways"},
		{"serve", "extra"},
		{"serve", "--bogus"},
		{"spec", "schema", "extra"},
	}
	for _, args := range cases {
		r := runDXP(t, env, "", args...)
		if _, ok := r.err.(usageError); !ok {
			t.Errorf("dxp %s: err = %v, want a usage error (exit 2)", strings.Join(args, " "), r.err)
		}
	}
}

func TestClientCommands_NeedAnAPIKey(t *testing.T) {
	r := runDXP(t, map[string]string{}, "", "pipelines", "list")
	if _, ok := r.err.(usageError); !ok || !strings.Contains(r.err.Error(), "DATAXPIPE_API_KEY") {
		t.Fatalf("err = %v, want a usage error naming DATAXPIPE_API_KEY", r.err)
	}
	r = runDXP(t, map[string]string{"DATAXPIPE_API_URL": "ftp://x"}, "", "pipelines", "list", "--api-key", "k")
	if _, ok := r.err.(usageError); !ok {
		t.Fatalf("err = %v, want a usage error for the URL", r.err)
	}
}

func TestClientCommands_FlagsWinOverEnvironment(t *testing.T) {
	tc := newTestCatalog(t, "free")
	env := map[string]string{"DATAXPIPE_API_URL": "http://127.0.0.1:1", "DATAXPIPE_API_KEY": "dxp_wrong"}
	runDXP(t, env, "", "pipelines", "list", "--api-url", tc.url, "--api-key", tc.admin).must(t)
	r := runDXP(t, env, "", "pipelines", "list")
	if r.err == nil || !strings.Contains(r.err.Error(), "cannot reach the API at http://127.0.0.1:1") {
		t.Fatalf("err = %v", r.err)
	}
}
