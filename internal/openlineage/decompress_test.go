package openlineage

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecompress(t *testing.T) {
	event := []byte(minimalRunEvent)
	for name, tc := range map[string]struct {
		body     []byte
		encoding string
	}{
		"plain":         {event, ""},
		"identity":      {event, "identity"},
		"gzip":          {gzipped(t, event), "gzip"},
		"x-gzip, cased": {gzipped(t, event), " X-GZIP "},
	} {
		got, err := Decompress(bytes.NewReader(tc.body), tc.encoding, 0)
		if err != nil || !bytes.Equal(got, event) {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
}

func TestDecompress_Errors(t *testing.T) {
	event := []byte(minimalRunEvent)
	for name, tc := range map[string]struct {
		body     io.Reader
		encoding string
		limit    int64
		want     error
	}{
		"br":                {bytes.NewReader(event), "br", 0, ErrUnsupportedEncoding},
		"not gzip":          {bytes.NewReader(event), "gzip", 0, ErrBadGzip},
		"truncated gzip":    {bytes.NewReader(gzipped(t, event)[:40]), "gzip", 0, ErrBadGzip},
		"plain over limit":  {bytes.NewReader(event), "", int64(len(event) - 1), ErrTooLarge},
		"gzip over limit":   {bytes.NewReader(gzipped(t, event)), "gzip", int64(len(event) - 1), ErrTooLarge},
		"default limit":     {strings.NewReader(strings.Repeat(" ", MaxBodyBytes+1)), "", 0, ErrTooLarge},
		"read error wraps":  {io.MultiReader(strings.NewReader("{"), errReader{}), "", 0, errBroken},
		"read error (gzip)": {errReader{}, "gzip", 0, errBroken},
	} {
		_, err := Decompress(tc.body, tc.encoding, tc.limit)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
	if got, err := Decompress(bytes.NewReader(event), "", int64(len(event))); err != nil || len(got) != len(event) {
		t.Errorf("exactly at the limit: %d bytes, %v", len(got), err)
	}
}

// A gzip bomb stops at the limit: 64 gzip members of 1 MiB of zeros each
// (a gzip stream may hold several; readers must decode them all) make
// 64 MiB from about 64 KiB, and Decompress must neither read nor hold much
// more than the limit.
func TestDecompress_GzipBomb(t *testing.T) {
	member := gzipped(t, make([]byte, 1<<20))
	buf := bytes.NewBuffer(bytes.Repeat(member, 64))
	total := int64(buf.Len())
	counted := &countingReader{r: buf}
	_, err := Decompress(counted, "gzip", MaxBodyBytes)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "5242880") {
		t.Fatalf("err = %v, want ErrTooLarge naming the limit", err)
	}
	// 5 of 64 MiB decoded needs about 5/64 of the input, plus read-ahead.
	if counted.n > total/4 {
		t.Errorf("read %d compressed bytes of %d: it did not stop at the limit", counted.n, total)
	}
}

var errBroken = errors.New("connection reset")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBroken }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
