package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Links are the UI pages an event points to, on the server's public
// address (DATAXPIPE_APP_URL); none when it is unknown.
func links(appURL string, d *catalog.EventData) map[string]string {
	if appURL == "" {
		return nil
	}
	l := map[string]string{}
	if d.Run != nil {
		l["run"] = appURL + "/runs/" + url.PathEscape(d.Run.ID)
	}
	if d.Pipeline != nil && d.Pipeline.Name != "" {
		l["pipeline"] = appURL + "/pipelines/" + url.PathEscape(d.Pipeline.Name)
	}
	if len(l) == 0 {
		return nil
	}
	return l
}

// Render is the body of a delivery in its endpoint's format.
func Render(out *catalog.OutgoingDelivery, appURL string) ([]byte, error) {
	var d catalog.EventData
	if err := json.Unmarshal(out.Event.Data, &d); err != nil {
		return nil, fmt.Errorf("event %s: %w", out.Event.ID, err)
	}
	var v any = catalog.EventEnvelope{Type: out.Event.Type, Timestamp: out.Event.CreatedAt.UTC(), Data: d, Links: links(appURL, &d)}
	if out.Webhook.Format == catalog.WebhookFormatSlack {
		v = slackMessage(out.Event.Type, &d, links(appURL, &d))
	}
	// Not HTML-escaped: Slack's <url|text> links must arrive as written.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Slack incoming-webhook messages: a text fallback (notifications, old
// clients) and blocks.

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackBlock struct {
	Type     string         `json:"type"`
	Text     *slackText     `json:"text,omitempty"`
	Fields   []slackText    `json:"fields,omitempty"`
	Elements []slackElement `json:"elements,omitempty"`
}

type slackElement struct {
	Type string    `json:"type"`
	Text slackText `json:"text"`
	URL  string    `json:"url,omitempty"`
}

type slackPayload struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// escapeSlack escapes the three characters Slack's mrkdwn reserves.
func escapeSlack(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mrkdwn(s string) slackText { return slackText{Type: "mrkdwn", Text: s} }

var slackTitles = map[string]string{
	catalog.EventRunFailed:          "Run failed",
	catalog.EventRunSucceeded:       "Run succeeded",
	catalog.EventCheckFailed:        "Check failed",
	catalog.EventPipelineLate:       "Pipeline late",
	catalog.EventPipelineRegistered: "Pipeline registered",
	catalog.EventAPIKeyCreated:      "API key created",
	catalog.EventAPIKeyRevoked:      "API key revoked",
	catalog.EventWebhookTest:        "Test from DataXPipe",
}

func slackMessage(typ string, d *catalog.EventData, l map[string]string) slackPayload {
	title := slackTitles[typ]
	if title == "" {
		title = typ
	}
	subject := ""
	var fields []slackText
	if d.Pipeline != nil {
		subject = d.Pipeline.Name
		fields = append(fields, mrkdwn("*Pipeline*\n"+escapeSlack(d.Pipeline.Name)))
		owner := d.Pipeline.Owner
		if owner == "" {
			owner = "unknown"
		}
		fields = append(fields, mrkdwn("*Owner*\n"+escapeSlack(owner)))
	}
	if d.Run != nil {
		run := escapeSlack(d.Run.ID)
		if u := l["run"]; u != "" {
			run = "<" + u + "|" + run + ">"
		}
		fields = append(fields, mrkdwn("*Run*\n"+run+" ("+escapeSlack(d.Run.Status)+")"))
	}
	if d.DownstreamPipelines != nil {
		n := d.DownstreamPipelines.Count
		text := fmt.Sprintf("%d downstream pipelines affected", n)
		if n == 1 {
			text = "1 downstream pipeline affected"
		}
		if len(d.DownstreamPipelines.Names) > 0 {
			text += ": " + escapeSlack(strings.Join(d.DownstreamPipelines.Names, ", "))
		}
		fields = append(fields, mrkdwn("*Impact*\n"+text))
	}
	if d.Late != nil {
		fields = append(fields, mrkdwn("*Expected at*\n"+d.Late.ExpectedAt.UTC().Format(time.RFC3339)))
	}
	if d.APIKey != nil {
		fields = append(fields, mrkdwn("*Key*\n"+escapeSlack(d.APIKey.Name+" ("+d.APIKey.Prefix+"…, "+string(d.APIKey.Role)+")")))
	}
	header := title
	if subject != "" {
		header += ": " + subject
	}
	blocks := []slackBlock{{Type: "header", Text: &slackText{Type: "plain_text", Text: header}}}
	if len(fields) > 0 {
		blocks = append(blocks, slackBlock{Type: "section", Fields: fields[:min(len(fields), 10)]}) // Slack takes at most 10 fields
	}
	checks := d.FailingChecks
	if d.Check != nil {
		checks = []catalog.EventCheck{*d.Check}
	}
	if len(checks) > 0 {
		var b strings.Builder
		b.WriteString("*Failing checks*")
		for i, c := range checks {
			if i == 10 {
				fmt.Fprintf(&b, "\n… and %d more", len(checks)-10)
				break
			}
			fmt.Fprintf(&b, "\n• `%s` (%s)", escapeSlack(c.CheckID), escapeSlack(c.Severity))
			if c.Message != "" {
				b.WriteString(": " + escapeSlack(truncate(c.Message, 200)))
			}
		}
		blocks = append(blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: b.String()}})
	}
	if d.Run != nil && d.Run.Error != "" {
		blocks = append(blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: "*Error*\n" + escapeSlack(truncate(d.Run.Error, 500))}})
	}
	if d.Message != "" {
		blocks = append(blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: escapeSlack(d.Message)}})
	}
	if u := l["run"]; u != "" {
		blocks = append(blocks, slackBlock{Type: "actions", Elements: []slackElement{{Type: "button", Text: slackText{Type: "plain_text", Text: "Open the run"}, URL: u}}})
	} else if u := l["pipeline"]; u != "" {
		blocks = append(blocks, slackBlock{Type: "actions", Elements: []slackElement{{Type: "button", Text: slackText{Type: "plain_text", Text: "Open the pipeline"}, URL: u}}})
	}
	return slackPayload{Text: header, Blocks: blocks}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
