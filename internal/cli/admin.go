package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/server"
	"github.com/spf13/cobra"
)

// adminCmd groups the commands an operator runs against the database
// itself, like migrate, rather than through the API.
func (c *cli) adminCmd() *cobra.Command {
	g := c.group("admin", "operate on the database directly (operators)", c.adminCreateOrgCmd())
	g.Annotations = map[string]string{serverSection: "true"} // dxp --help lists it with serve and migrate
	return g
}

func (c *cli) adminCreateOrgCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create-org SLUG --name NAME [--plan PLAN]",
		Short: "create an organization and its first admin key in the database",
		Long: `Creates an organization with its first admin key directly in the database,
the way to bootstrap a production catalog that has no OIDC sign-in (and so
no platform admin to call POST /api/v1/admin/organizations/). It reads the
server's configuration as dxp migrate does (DATAXPIPE_DB, and
DATAXPIPE_TENANTS for --tenant) and needs a current schema: run dxp
migrate first. The creation is audited as the API's is
(organization.created and api_key.created, by the actor system).

The key is printed alone on standard output, so a script can capture it,
and is never shown again; the organization's id goes to standard error.
An existing slug is refused and nothing changes.

` + environmentHelp(),
		Example: examples(
			`DATAXPIPE_DB=postgres://owner:...@db/catalog dxp admin create-org acme-corp --name "Acme Corp" --plan team`,
			`KEY=$(dxp admin create-org globex --name Globex --tenant globex.api.dataxpipe.com)`,
			`dxp admin create-org initech --name Initech --output json`,
		),
		Args: args(1, 1),
	}
	name := cmd.Flags().String("name", "", "the organization's display `NAME` (required)")
	plan := cmd.Flags().String("plan", catalog.PlanFree, "`PLAN`: free, team or business")
	tenant := cmd.Flags().String("tenant", "", "create it in the dedicated store of this `HOST` of DATAXPIPE_TENANTS (default the shared store)")
	out := addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		// Bad arguments are a usage error naming each, before any connection.
		if errs := catalog.ValidateOrg(pos[0], *name, *plan); len(errs) > 0 {
			arg := map[string]string{"slug": "SLUG", "name": "--name", "plan": "--plan"}
			msgs := make([]string, len(errs))
			for i, e := range errs {
				msgs[i] = arg[e.Field] + ": " + e.Message
			}
			return usagef(cmd, "%s", strings.Join(msgs, "; "))
		}
		cfg, err := config.Load(c.Getenv)
		if err != nil {
			return err
		}
		created, err := server.CreateOrg(cmd.Context(), cfg, server.NewOrg{Slug: pos[0], Name: *name, Plan: *plan, Tenant: *tenant})
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, createdOrgView(created))
		}
		o := created.Org
		fmt.Fprintf(c.Stderr, "Created organization %s (%s, %q, plan %s) in store %s with the admin key %s. Store the key now; it is not shown again.\n",
			o.ID, o.Slug, o.Name, o.Plan, created.Store, created.Key.ID)
		_, err = fmt.Fprintln(c.Stdout, created.Secret)
		return err
	}
	return cmd
}

// createdOrgJSON is the answer of POST /api/v1/admin/organizations/, so a
// script may read either.
type createdOrgJSON struct {
	Organization struct {
		ID        string    `json:"id"`
		Slug      string    `json:"slug"`
		Name      string    `json:"name"`
		Plan      string    `json:"plan"`
		CreatedAt time.Time `json:"created_at"`
		UpdatedAt time.Time `json:"updated_at"`
	} `json:"organization"`
	APIKey struct {
		ID        string     `json:"id"`
		Name      string     `json:"name"`
		Role      string     `json:"role"`
		Prefix    string     `json:"prefix"`
		Key       string     `json:"key"`
		CreatedAt time.Time  `json:"created_at"`
		CreatedBy string     `json:"created_by"`
		ExpiresAt *time.Time `json:"expires_at"`
	} `json:"api_key"`
	Store string `json:"store"`
}

func createdOrgView(c *server.CreatedOrg) createdOrgJSON {
	var v createdOrgJSON
	o, k := c.Org, c.Key
	v.Organization.ID, v.Organization.Slug, v.Organization.Name, v.Organization.Plan = o.ID, o.Slug, o.Name, o.Plan
	v.Organization.CreatedAt, v.Organization.UpdatedAt = o.CreatedAt, o.UpdatedAt
	v.APIKey.ID, v.APIKey.Name, v.APIKey.Role, v.APIKey.Prefix, v.APIKey.Key = k.ID, k.Name, string(k.Role), k.Prefix, c.Secret
	v.APIKey.CreatedAt, v.APIKey.CreatedBy, v.APIKey.ExpiresAt = k.CreatedAt, k.CreatedBy, k.ExpiresAt
	v.Store = c.Store
	return v
}
