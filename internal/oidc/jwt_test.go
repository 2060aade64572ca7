package oidc_test

import (
	"testing"

	"github.com/dataxpipe/catalog/internal/oidc"
)

func TestLooksLikeJWT(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl", true},
		{"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.", true}, // unsigned: routed to JWT path to be rejected there
		{"a-_B.c-_D.e-_F", true},
		{"dxp_3kTq9Zr8vLw2", false},
		{"dxp_abc.def.ghi", false}, // API key prefix wins even if dotted
		{"", false},
		{"..", false},
		{"abc.def", false},
		{"a.b.c.d", false},
		{".eyJ9.sig", false},
		{"eyJ9..sig", false},
		{"eyJ9.eyJ9.sig=", false}, // padding is not base64url in JWS
		{"eyJ9.ey+/.sig", false},  // standard, not URL, alphabet
		{"eyJ9.eyJ9.s g", false},
		{"eyJhb.eyJ9.sig", false}, // length 4n+1 is not an encoding
		{"Bearer eyJ9.eyJ9.sig", false},
	}
	for _, tt := range tests {
		if got := oidc.LooksLikeJWT(tt.in); got != tt.want {
			t.Errorf("LooksLikeJWT(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
