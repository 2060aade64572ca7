package api

import (
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Webhook endpoints (admins): create answers the signing secret once,
// rotate-secret answers the new one; every other answer leaves it out.

type webhookView struct {
	ID             string     `json:"id"`
	URL            string     `json:"url"`
	Description    string     `json:"description"`
	Format         string     `json:"format"`
	Events         []string   `json:"events"`
	Enabled        bool       `json:"enabled"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	FailingSince   *time.Time `json:"failing_since"`
	Secret         string     `json:"secret,omitempty"` // only when created or rotated
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func viewWebhook(w *catalog.Webhook) webhookView {
	return webhookView{ID: w.ID, URL: w.URL, Description: w.Description, Format: w.Format, Events: w.Events, Enabled: w.Enabled,
		DisabledReason: w.DisabledReason, FailingSince: w.FailingSince, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

func viewWebhookWithSecret(w *catalog.Webhook) webhookView {
	v := viewWebhook(w)
	v.Secret = w.Secret
	return v
}

type createWebhookRequest struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Format      string   `json:"format"`
	Events      []string `json:"events"`
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	req, body, err := decodeAll[createWebhookRequest](r)
	if err != nil {
		return err
	}
	if req.Format == "" {
		req.Format = catalog.WebhookFormatJSON
	}
	in := catalog.WebhookInput{URL: req.URL, Description: req.Description, Format: req.Format, Events: req.Events}
	if problems := mergeProblems(body, in.Validate(!s.webhooksAllowHTTP)); len(problems) > 0 {
		return catalog.Invalid(problems)
	}
	hook, err := s.store.CreateWebhook(r.Context(), in)
	if err != nil {
		return err
	}
	return respond(w, http.StatusCreated, viewWebhookWithSecret(hook))
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	hooks, next, err := s.store.ListWebhooks(r.Context(), page)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(hooks, viewWebhook), next))
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := s.store.FindWebhook(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, viewWebhook(hook))
}

type updateWebhookRequest struct {
	URL         *string   `json:"url"`
	Description *string   `json:"description"`
	Events      *[]string `json:"events"`
	Enabled     *bool     `json:"enabled"`
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	req, body, err := decodeAll[updateWebhookRequest](r)
	if err != nil {
		return err
	}
	p := catalog.WebhookPatch{URL: req.URL, Description: req.Description, Events: req.Events, Enabled: req.Enabled}
	if problems := mergeProblems(body, p.Validate(!s.webhooksAllowHTTP)); len(problems) > 0 {
		return catalog.Invalid(problems)
	}
	hook, err := s.store.UpdateWebhook(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, viewWebhook(hook))
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.DeleteWebhook(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) error {
	hook, err := s.store.RotateWebhookSecret(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, viewWebhookWithSecret(hook))
}

type attemptView struct {
	Attempt    int       `json:"attempt"`
	Time       time.Time `json:"time"`
	StatusCode *int      `json:"status_code"` // null when no answer came
	LatencyMS  int64     `json:"latency_ms"`
	Error      string    `json:"error,omitempty"`
}

type deliveryView struct {
	ID            string        `json:"id"`
	EventID       string        `json:"event_id"`
	EventType     string        `json:"event_type"`
	Status        string        `json:"status"`
	Attempts      []attemptView `json:"attempts"`
	NextAttemptAt *time.Time    `json:"next_attempt_at"`
	CreatedAt     time.Time     `json:"created_at"`
}

func viewDelivery(d *catalog.Delivery) deliveryView {
	v := deliveryView{ID: d.ID, EventID: d.EventID, EventType: d.EventType, Status: d.Status, NextAttemptAt: d.NextAttemptAt,
		CreatedAt: d.CreatedAt, Attempts: []attemptView{}}
	for _, a := range d.History {
		av := attemptView{Attempt: a.N, Time: a.Time, LatencyMS: a.Latency.Milliseconds(), Error: a.Error}
		if a.StatusCode != 0 {
			code := a.StatusCode
			av.StatusCode = &code
		}
		v.Attempts = append(v.Attempts, av)
	}
	return v
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	ds, next, err := s.store.ListDeliveries(r.Context(), catalog.DeliveryFilter{WebhookID: r.PathValue("id"), Page: page})
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(ds, viewDelivery), next))
}

type redeliverRequest struct {
	DeliveryID string `json:"delivery_id"`
}

// redeliver queues one delivery's event to the endpoint again.
func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) error {
	req, problems, err := decodeAll[redeliverRequest](r)
	if err != nil {
		return err
	}
	if req.DeliveryID == "" {
		problems = mergeProblems(problems, []catalog.FieldError{{Field: "delivery_id", Message: "delivery_id is required: the delivery to send again."}})
	}
	if len(problems) > 0 {
		return catalog.Invalid(problems)
	}
	d, err := s.store.Redeliver(r.Context(), r.PathValue("id"), req.DeliveryID)
	if err != nil {
		return err
	}
	return respond(w, http.StatusAccepted, viewDelivery(d))
}

// testWebhook queues a webhook.test event to the endpoint.
func (s *Server) testWebhook(w http.ResponseWriter, r *http.Request) error {
	d, err := s.store.SendTestEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return respond(w, http.StatusAccepted, viewDelivery(d))
}
