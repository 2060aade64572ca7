package openlineage

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxBodyBytes is the largest event body, or batch, the catalog reads:
// 5 MiB after decompression.
const MaxBodyBytes = 5 << 20

// Errors of Decompress, for the HTTP layer to answer 413, 415 and 400.
var (
	ErrTooLarge            = errors.New("openlineage: body too large")
	ErrUnsupportedEncoding = errors.New("openlineage: unsupported Content-Encoding")
	ErrBadGzip             = errors.New("openlineage: body is not valid gzip")
)

// Decompress reads body, gzip-decoded when contentEncoding is gzip (or
// x-gzip; the OpenLineage clients' HTTP transports can compress), and
// fails with ErrTooLarge as soon as the decoded bytes pass limit, so a
// small gzip bomb costs at most limit bytes of memory. A limit ≤ 0 means
// MaxBodyBytes. Errors reading body are wrapped, so an
// *http.MaxBytesError from http.MaxBytesReader stays visible to errors.As.
func Decompress(body io.Reader, contentEncoding string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxBodyBytes
	}
	r := body
	var wrap error // what a read error means
	switch enc := strings.ToLower(strings.TrimSpace(contentEncoding)); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadGzip, err)
		}
		defer zr.Close()
		r, wrap = zr, ErrBadGzip
	default:
		return nil, fmt.Errorf("%w %q: send gzip or no encoding", ErrUnsupportedEncoding, clip(enc))
	}
	// One byte more than allowed tells "exactly limit" from "too much".
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case err != nil && wrap != nil:
		return nil, fmt.Errorf("%w: %w", wrap, err)
	case err != nil:
		return nil, fmt.Errorf("openlineage: reading the body: %w", err)
	case int64(len(data)) > limit && wrap != nil:
		return nil, fmt.Errorf("%w: more than %d bytes after decompression", ErrTooLarge, limit)
	case int64(len(data)) > limit:
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}
