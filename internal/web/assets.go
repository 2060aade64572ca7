package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static templates
var files embed.FS

// asset is one embedded static file under its content-hashed name.
type asset struct {
	body        []byte
	contentType string
}

// assets maps "app.css" to "/static/app.<hash>.css" and serves the latter.
// A changed file gets a new name, so browsers may keep any name forever.
type assets struct {
	urls   map[string]string // logical name → hashed URL
	byPath map[string]asset  // hashed URL → file
}

func loadAssets() *assets {
	a := &assets{urls: map[string]string{}, byPath: map[string]asset{}}
	entries, err := fs.ReadDir(files, "static")
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	for _, e := range entries {
		body, err := files.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		url := "/static/" + strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:6]) + ext
		a.urls[e.Name()] = url
		a.byPath[url] = asset{body: body, contentType: map[string]string{
			".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}[ext]}
	}
	return a
}

var staticAssets = loadAssets()

// url returns the hashed URL of a logical asset name.
func (a *assets) url(name string) string {
	if u, ok := a.urls[name]; ok {
		return u
	}
	panic("web: no asset " + name) // a template naming a missing file is a build bug
}

// serve answers /static/<hashed name>.
func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byPath[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(f.body)
}
