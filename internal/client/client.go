// Package client is a Go client for the DataXPipe Catalog API (API.md):
// the dxp command line and the end-to-end tests both talk to the server
// through it. Every method takes a context; errors the API answers with
// are *Error, carrying the problem+json body.
package client

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is where a local development server listens.
const DefaultBaseURL = "http://localhost:8000"

// Client calls the API with one credential. Its fields may be changed
// before first use; a Client is safe for concurrent use after that.
type Client struct {
	// BaseURL is the server's root, without /api/v1.
	BaseURL *url.URL
	// APIKey is sent as X-API-KEY; empty sends no credential.
	APIKey string
	// HTTPClient sends the requests; New sets one with a timeout.
	HTTPClient *http.Client
	// UserAgent identifies the caller in the server's access log.
	UserAgent string
	// MaxRetries is how often a request refused with 429 is sent again,
	// after the Retry-After the server asks for.
	MaxRetries int
}

// New returns a client for the server at baseURL ("" means
// DefaultBaseURL), authenticating with apiKey.
func New(baseURL, apiKey string) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("API URL %q is not an http:// or https:// URL such as %s", baseURL, DefaultBaseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &Client{
		BaseURL:    u,
		APIKey:     apiKey,
		HTTPClient: &http.Client{Timeout: 60 * time.Second},
		UserAgent:  "dxp-client",
		MaxRetries: 3,
	}, nil
}

// endpoint joins the base URL, path (which starts with /) and query.
func (c *Client) endpoint(path string, query url.Values) string {
	u := *c.BaseURL
	u.Path += path
	u.RawQuery = query.Encode()
	return u.String()
}

// itemPath is base + "/" + the escaped name, for names users chose.
func itemPath(base, name string) string {
	return base + "/" + url.PathEscape(name)
}

// setNonEmpty sets the query parameter name unless v is empty: an empty
// filter is no filter.
func setNonEmpty(q url.Values, name, v string) {
	if v != "" {
		q.Set(name, v)
	}
}

// setTime sets the query parameter name to t in RFC 3339, UTC.
func setTime(q url.Values, name string, t *time.Time) {
	if t != nil {
		q.Set(name, t.UTC().Format(time.RFC3339))
	}
}
