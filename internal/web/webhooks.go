package web

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Webhooks (admins): the endpoints with create, enable, disable, delete,
// rotate and test send; each endpoint's delivery log with redeliver. The
// signing secret is shown once, on the page that creates or rotates it.

type webhooksPage struct {
	Hooks    []*catalog.Webhook
	NextURL  string
	New      *catalog.Webhook // with its secret, just created or rotated
	Rotated  bool
	Notice   string
	Problems []catalog.FieldError
	URL      string
	Desc     string
	Format   string
	Events   []string
	All      []string
	Checked  map[string]bool
}

func (u *UI) webhooks(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	return u.renderWebhooks(w, r, s, http.StatusOK, webhooksPage{Notice: r.URL.Query().Get("notice")})
}

func (u *UI) renderWebhooks(w http.ResponseWriter, r *http.Request, s *signedIn, status int, data webhooksPage) error {
	hooks, next, err := u.store.ListWebhooks(r.Context(), pageOf(r.URL.Query(), 100))
	if err != nil {
		return err
	}
	data.Hooks, data.All, data.Checked = hooks, catalog.WebhookEvents, map[string]bool{}
	for _, e := range data.Events {
		data.Checked[e] = true
	}
	if next != "" {
		data.NextURL = "/settings/webhooks?cursor=" + url.QueryEscape(next)
	}
	if data.Format == "" {
		data.Format = catalog.WebhookFormatJSON
	}
	u.render(w, r, s, status, "webhooks", "Webhooks", "webhooks", data)
	return nil
}

// createWebhook adds an endpoint with the API's rules and shows its secret once.
func (u *UI) createWebhook(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	if err := r.ParseForm(); err != nil {
		return catalog.Errorf(catalog.EMALFORMED, "The form could not be read.")
	}
	in := catalog.WebhookInput{URL: strings.TrimSpace(r.PostFormValue("url")), Description: r.PostFormValue("description"),
		Format: r.PostFormValue("format"), Events: r.PostForm["events"]}
	again := webhooksPage{URL: in.URL, Desc: in.Description, Format: in.Format, Events: in.Events}
	if problems := in.Validate(!u.cfg.Development()); len(problems) > 0 {
		again.Problems = problems
		return u.renderWebhooks(w, r, s, http.StatusUnprocessableEntity, again)
	}
	hook, err := u.store.CreateWebhook(r.Context(), in)
	if err != nil {
		if p := fieldProblems(err); p != nil {
			again.Problems = p
			return u.renderWebhooks(w, r, s, http.StatusUnprocessableEntity, again)
		}
		return err
	}
	return u.renderWebhooks(w, r, s, http.StatusCreated, webhooksPage{New: hook})
}

// webhookAction is one button of an endpoint's row, named by the last
// segment of its path (one route each in routes.go).
func (u *UI) webhookAction(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	id := r.PathValue("id")
	switch action := path.Base(r.URL.Path); action {
	case "enable", "disable":
		on := action == "enable"
		if _, err := u.store.UpdateWebhook(r.Context(), id, catalog.WebhookPatch{Enabled: &on}); err != nil {
			return err
		}
		return redirect(w, r, "/settings/webhooks?notice="+url.QueryEscape("Webhook "+action+"d."))
	case "delete":
		if err := u.store.DeleteWebhook(r.Context(), id); err != nil {
			return err
		}
		return redirect(w, r, "/settings/webhooks?notice="+url.QueryEscape("Webhook deleted."))
	case "rotate":
		hook, err := u.store.RotateWebhookSecret(r.Context(), id)
		if err != nil {
			return err
		}
		return u.renderWebhooks(w, r, s, http.StatusOK, webhooksPage{New: hook, Rotated: true})
	case "test":
		if _, err := u.store.SendTestEvent(r.Context(), id); err != nil {
			return err
		}
		return redirect(w, r, "/settings/webhooks/"+url.PathEscape(id)+"?notice="+url.QueryEscape("Test event queued; it shows below once sent."))
	case "redeliver":
		if _, err := u.store.Redeliver(r.Context(), id, r.PostFormValue("delivery_id")); err != nil {
			return err
		}
		return redirect(w, r, "/settings/webhooks/"+url.PathEscape(id)+"?notice="+url.QueryEscape("Queued to be sent again."))
	}
	return catalog.Errorf(catalog.ENOTFOUND, "No such webhook action.")
}

type webhookPage struct {
	Hook       *catalog.Webhook
	Deliveries []*catalog.Delivery
	NextURL    string
	Notice     string
}

// webhook is an endpoint's delivery log, newest first, every attempt shown.
func (u *UI) webhook(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	id := r.PathValue("id")
	hook, err := u.store.FindWebhook(r.Context(), id)
	if err != nil {
		return err
	}
	ds, next, err := u.store.ListDeliveries(r.Context(), catalog.DeliveryFilter{WebhookID: id, Page: pageOf(r.URL.Query(), 50)})
	if err != nil {
		return err
	}
	data := webhookPage{Hook: hook, Deliveries: ds, Notice: r.URL.Query().Get("notice")}
	if next != "" {
		data.NextURL = "/settings/webhooks/" + url.PathEscape(id) + "?cursor=" + url.QueryEscape(next)
	}
	u.render(w, r, s, http.StatusOK, "webhook", "Webhook deliveries", "webhooks", data)
	return nil
}

// markLate marks the rows of pipelines whose scheduled run is overdue.
func (u *UI) markLate(r *http.Request, rows []pipelineRow) error {
	names := make([]string, len(rows))
	for i, row := range rows {
		names[i] = row.P.Name
	}
	late, err := u.store.LatePipelines(r.Context(), names)
	if err != nil {
		return err
	}
	for i := range rows {
		if t, ok := late[rows[i].P.Name]; ok {
			rows[i].Late = &t
		}
	}
	return nil
}
