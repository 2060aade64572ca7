package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// maxRetryWait caps how long one Retry-After is honoured, so a CI job
// fails in reasonable time rather than sleeping on a misconfigured server.
const maxRetryWait = 30 * time.Second

// do sends one request and decodes a 2xx JSON answer into out (nil to
// discard it). in is nil, raw JSON ([]byte) or a value to encode.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	body, err := encodeBody(in)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		res, err := c.send(ctx, method, path, query, body)
		if err != nil {
			return err
		}
		wait, retry := retryAfter(res)
		if !retry || attempt >= c.MaxRetries {
			return decodeAnswer(res, out)
		}
		res.Body.Close()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

func encodeBody(in any) ([]byte, error) {
	switch v := in.(type) {
	case nil:
		return nil, nil
	case []byte:
		return v, nil
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return b, nil
}

func (c *Client) send(ctx context.Context, method, path string, query url.Values, body []byte) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint(path, query), r)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.APIKey != "" {
		req.Header.Set("X-API-KEY", c.APIKey)
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	res, err := c.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the API at %s: %w", c.BaseURL, err)
	}
	return res, nil
}

// retryAfter reports whether res is a 429 worth waiting for, and how long.
func retryAfter(res *http.Response) (time.Duration, bool) {
	if res.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || secs < 0 {
		secs = 1
	}
	return min(time.Duration(secs)*time.Second, maxRetryWait), true
}

// decodeAnswer closes res after decoding it: a 2xx body into out, anything
// else into an *Error.
func decodeAnswer(res *http.Response, out any) error {
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return readError(res)
	}
	if out == nil || res.StatusCode == http.StatusNoContent {
		io.Copy(io.Discard, res.Body)
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("read the answer of %s %s: %w", res.Request.Method, res.Request.URL.Path, err)
	}
	return nil
}

// call is do for a request whose answer decodes into a new T.
func call[T any](ctx context.Context, c *Client, method, path string, query url.Values, in any) (*T, error) {
	var out T
	if err := c.do(ctx, method, path, query, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
