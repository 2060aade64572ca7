package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) orgShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show",
		Short: "show the organization: plan, limits and usage",
		Long: `Shows the organization the API key belongs to: its plan, what the plan
allows (pipelines, connections, requests a minute), how much of it is in
use, and the state of its subscription.`,
		Example: examples("dxp org show", "dxp org show --output json | jq .usage"),
		Args:    args(0, 0),
	}
	readCommand(c, cmd, func(ctx context.Context, cl *client.Client, _ []string) (*client.Org, error) {
		return cl.Me(ctx)
	}, func(org *client.Org) error {
		tw, row := detailTable(c.Stdout)
		row("Organization", fmt.Sprintf("%s (%s, %s)", org.Name, org.Slug, org.ID))
		row("Plan", org.Plan)
		var lim client.Limits
		if org.Limits != nil {
			lim = *org.Limits
		}
		var use client.Usage
		if org.Usage != nil {
			use = *org.Usage
		}
		row("Pipelines", usageOf(use.Pipelines, lim.Pipelines))
		row("Connections", usageOf(use.Connections, lim.Connections))
		if lim.RequestsPerMinute > 0 {
			row("Requests", strconv.Itoa(lim.RequestsPerMinute)+" a minute")
		}
		if b := org.Billing; b != nil && b.SubscriptionStatus != nil {
			row("Subscription", *b.SubscriptionStatus)
		}
		return tw.Flush()
	})
	return cmd
}

// usageOf reads "2 of 3" or "2 (unlimited)".
func usageOf(used int, limit *int) string {
	if limit == nil {
		return strconv.Itoa(used) + " (unlimited)"
	}
	return fmt.Sprintf("%d of %d", used, *limit)
}

func (c *cli) auditListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--action A] [--since T] [--limit N]",
		Short: "list the organization's audit log, newest first (admins)",
		Long: `Lists the audit log, newest first: who (an API key, a person, Stripe or the
system) did what to which object, from where. --since takes an RFC 3339
time or a duration back from now (24h, 7d).`,
		Example: examples(
			"dxp audit list --since 7d",
			"dxp audit list --action api_key.created --output json",
		),
		Args: args(0, 0),
	}
	var f client.AuditFilter
	cmd.Flags().StringVar(&f.Action, "action", "", "only events of `ACTION`, such as api_key.created or pipeline.registered")
	var since sinceFlag
	cmd.Flags().Var(&since, "since", "only events at or after `TIME` (RFC 3339, or a duration back such as 7d)")
	limit := addLimitFlag(cmd, "events")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f.Since = since.t
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		events, err := collect(c, cmd.Context(), "event", *limit, func(ctx context.Context, p client.Page) (*client.List[client.AuditEvent], error) {
			return cl.ListAuditEvents(ctx, f, p)
		})
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, events)
		}
		if len(events) == 0 {
			fmt.Fprintln(c.Stdout, "No audit events.")
			return nil
		}
		tw := newTable(c.Stdout)
		fmt.Fprintln(tw, "TIME\tACTION\tTARGET\tACTOR\tIP")
		for _, e := range events {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", when(&e.Time), e.Action, orDash(e.Target), e.Actor.Type+":"+e.Actor.ID, orDash(e.IP))
		}
		return tw.Flush()
	}
	return cmd
}
