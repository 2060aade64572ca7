package main

import (
	"strings"
	"testing"
)

func TestHelp_ListsEveryCommandWithExamples(t *testing.T) {
	r := runDXP(t, nil, "", "--help").must(t)
	for _, c := range commands {
		if !strings.Contains(r.stdout, "dxp "+c.name+" ") {
			t.Errorf("dxp --help lacks %s", c.name)
		}
		if len(c.examples) == 0 || c.about == "" || c.summary == "" {
			t.Errorf("%s lacks help text or examples", c.name)
		}
		words := strings.Fields(c.name)
		for _, args := range [][]string{append(words, "--help"), append([]string{"help"}, words...)} {
			r := runDXP(t, nil, "", args...).must(t)
			if !strings.HasPrefix(r.stdout, "Usage: dxp "+c.name) || !strings.Contains(r.stdout, "\nExamples:\n  ") {
				t.Errorf("dxp %s:\n%s", strings.Join(args, " "), r.stdout)
			}
		}
	}
	r = runDXP(t, nil, "", "keys", "--help").must(t)
	if !strings.Contains(r.stdout, "dxp keys rotate ID") {
		t.Errorf("dxp keys --help:\n%s", r.stdout)
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
