package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// layout is what the header of every page shows.
type layout struct {
	Title, Nav  string
	SignedIn    bool
	UserName    string
	UserEmail   string
	Org         *catalog.Org
	Memberships []catalog.Membership
	Role        catalog.Role
	CanMember   bool // write catalog data (pipelines, connections)
	CanAdmin    bool // keys, members, audit, billing actions
	Platform    bool
	Dev         bool
}

// view is a page's template data: the layout and the page's own data.
type view struct {
	L layout
	D any
}

var templates = parseTemplates()

// parseTemplates builds one template set per page file: the shared layout
// (base.html) with the page's "content" block.
func parseTemplates() map[string]*template.Template {
	base := template.Must(template.New("base.html").Funcs(funcs).ParseFS(files, "templates/base.html", "templates/partials.html"))
	out := map[string]*template.Template{}
	pages, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, p := range pages {
		name := path.Base(p)
		if name == "base.html" || name == "partials.html" {
			continue
		}
		out[strings.TrimSuffix(name, ".html")] = template.Must(template.Must(base.Clone()).ParseFS(files, p))
	}
	return out
}

// render writes a page. It renders into a buffer first, so a template
// error becomes a clean 500 instead of half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, s *signedIn, status int, name, title, nav string, data any) {
	t, ok := templates[name]
	if !ok {
		panic("web: no template " + name)
	}
	v := view{L: u.layoutFor(s, title, nav), D: data}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base.html", v); err != nil {
		u.logger.ErrorContext(r.Context(), "render page", "template", name, "err", err)
		http.Error(w, "The page could not be rendered.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages hold tenant data (and once, a new key)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (u *UI) layoutFor(s *signedIn, title, nav string) layout {
	l := layout{Title: title, Nav: nav, Dev: u.scaffold}
	if s == nil {
		return l
	}
	l.SignedIn, l.UserEmail, l.UserName = true, s.user.Email, s.user.Name
	if l.UserName == "" {
		l.UserName = s.user.Email
	}
	l.Org, l.Memberships, l.Role = s.org, s.memberships, s.p.Role
	l.CanMember, l.CanAdmin, l.Platform = s.can(catalog.RoleMember), s.can(catalog.RoleAdmin), s.p.PlatformAdmin
	return l
}

type errorPage struct {
	Status         int
	Title, Message string
	BillingLink    bool
}

// renderError renders an error page with a human message.
func (u *UI) renderError(w http.ResponseWriter, r *http.Request, s *signedIn, status int, title, msg string) {
	u.render(w, r, s, status, "error", title, "", errorPage{Status: status, Title: title, Message: msg,
		BillingLink: title == "Plan limit reached"})
}

// redirect answers a form post with 303 to a page (post/redirect/get).
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

var funcs = template.FuncMap{
	"asset": staticAssets.url,
	"when": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.UTC().Format("2006-01-02 15:04 UTC")
		case *time.Time:
			if v == nil {
				return "—"
			}
			return v.UTC().Format("2006-01-02 15:04 UTC")
		}
		return ""
	},
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"ago": ago,
	"dur": func(d time.Duration) string { return humanDuration(d) },
	"runDur": func(r *catalog.Run) string {
		if d, ok := r.Duration(); ok {
			return humanDuration(d)
		}
		return "—"
	},
	"statusIcon": statusIcon,
	"runMs": func(r *catalog.Run) int64 {
		d, _ := r.Duration()
		return d.Milliseconds()
	},
	"planTitle": catalog.PlanTitle,
	"planLimits": func(plan string) catalog.Limits {
		l, _ := catalog.PlanLimits(plan)
		return l
	},
	"pathEscape":  url.PathEscape,
	"queryEscape": url.QueryEscape,
	"join":        strings.Join,
	"pct": func(n int, limit *int) int {
		if limit == nil || *limit == 0 {
			return 0
		}
		p := n * 100 / *limit
		return min(p, 100)
	},
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"roles": func() []catalog.Role {
		return []catalog.Role{catalog.RoleViewer, catalog.RoleMember, catalog.RoleAdmin, catalog.RoleOwner}
	},
	"keyRoles": func() []catalog.Role {
		return []catalog.Role{catalog.RoleViewer, catalog.RoleMember, catalog.RoleAdmin}
	},
	"plans": func() []string { return []string{catalog.PlanFree, catalog.PlanTeam, catalog.PlanBusiness} },
	"add":   func(a, b int) int { return a + b },
	"list":  func(s ...string) []string { return s },
	"derefTime": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
}

// statusIcon gives every state a symbol, so state never rests on colour.
func statusIcon(status string) string {
	switch status {
	case catalog.RunSuccess, catalog.CheckPassed:
		return "✓"
	case catalog.RunFailed: // also catalog.CheckFailed
		return "✕"
	case catalog.CheckError:
		return "!"
	case catalog.RunRunning:
		return "▶"
	case catalog.RunQueued:
		return "…"
	case catalog.RunCancelled, catalog.CheckSkipped:
		return "–"
	}
	return "•"
}

func humanDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
}
