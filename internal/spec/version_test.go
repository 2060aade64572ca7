package spec

import "testing"

func TestNextVersion(t *testing.T) {
	cases := []struct{ cur, want string }{
		{"", "1"},
		{"3", "4"},
		{"9", "10"},
		{"1.4.0", "1.4.1"},
		{"1.4.9", "1.4.10"},
		{"v2.0", "v2.1"},
		{"v2", "v3"},
		{"1.09", "1.10"},
		{"rc1", "rc2"},
		{"beta", "beta.1"},
		{"1.0-rc", "1.0-rc.1"},
		{"1.0.", "1.0..1"},
		{"99999999999999999999", "100000000000000000000"},
	}
	for _, c := range cases {
		if got := NextVersion(c.cur); got != c.want {
			t.Fatalf("NextVersion(%q) = %q, want %q", c.cur, got, c.want)
		}
	}
}
