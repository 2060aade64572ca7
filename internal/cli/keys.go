package cli

import (
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) keysCreateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create NAME [--role admin|member|viewer] [--expires-in DURATION]",
		Short: "create an API key (admins); prints the key once",
		Long: `Creates an API key of the organization (role member unless --role says
otherwise). The key is printed alone on standard output, so a script can
capture it, and the API never shows it again; the details go to standard
error.`,
		Example: examples(
			"dxp keys create github-actions",
			"KEY=$(dxp keys create nightly-dag --role member --expires-in 30d)",
			"dxp keys create auditor --role viewer --output json",
		),
		Args: args(1, 1),
	}
	role := cmd.Flags().String("role", "", "`ROLE`: admin, member or viewer (default member)")
	var expiresIn durationFlag
	cmd.Flags().Var(&expiresIn, "expires-in", "expire the key after this `DURATION`, such as 30d or 720h (default never)")
	var expiresAt timeFlag
	cmd.Flags().Var(&expiresAt, "expires-at", "expire the key at this RFC 3339 `TIME`")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		req := client.NewKey{Name: pos[0], Role: *role, ExpiresAt: expiresAt.t}
		switch in := time.Duration(expiresIn); {
		case in < 0:
			return usagef(cmd, "--expires-in must be positive")
		case in > 0 && req.ExpiresAt != nil:
			return usagef(cmd, "use --expires-in or --expires-at, not both")
		case in > 0:
			t := time.Now().Add(in).UTC().Truncate(time.Second)
			req.ExpiresAt = &t
		}
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		k, err := cl.CreateKey(cmd.Context(), req)
		if err != nil {
			return err
		}
		return c.printNewKey(out, k, fmt.Sprintf("Created key %s (%s, role %s, expires %s).", k.ID, k.Name, k.Role, when(k.ExpiresAt)))
	}
	return cmd
}

// printNewKey shows a key that was just made: as JSON, or the secret alone
// on standard output and what it is on standard error.
func (c *cli) printNewKey(out *outputFlag, k *client.APIKey, about string) error {
	if out.json() {
		return printJSON(c.Stdout, k)
	}
	fmt.Fprintln(c.Stderr, about+" Store the key now; it is not shown again.")
	_, err := fmt.Fprintln(c.Stdout, k.Key)
	return err
}

func (c *cli) keysListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "list [--limit N]",
		Short:   "list the organization's API keys (admins)",
		Long:    `Lists the organization's API keys, never the keys themselves: their prefix identifies them.`,
		Example: examples("dxp keys list", "dxp keys list --output json"),
		Args:    args(0, 0),
	}
	limit := addLimitFlag(cmd, "keys")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		keys, err := collect(c, cmd.Context(), "key", *limit, cl.ListKeys)
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, keys)
		}
		tw := newTable(c.Stdout)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tPREFIX\tCREATED\tLAST USED\tEXPIRES")
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, k.Prefix, when(&k.CreatedAt), when(k.LastUsedAt), when(k.ExpiresAt))
		}
		return tw.Flush()
	}
	return cmd
}

func (c *cli) keysRevokeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "revoke ID",
		Short:   "revoke an API key (admins)",
		Long:    `Revokes the API key ID (key_..., see "dxp keys list"); it is refused from then on.`,
		Example: examples("dxp keys revoke key_5f2c9a0e1b7d"),
		Args:    args(1, 1),
	}
	api := addAPIFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		if err := cl.RevokeKey(cmd.Context(), pos[0]); err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.Stdout, "Revoked %s.\n", pos[0])
		return err
	}
	return cmd
}

func (c *cli) keysRotateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rotate ID [--grace DURATION]",
		Short: "replace an API key; the old one works for a grace period",
		Long: `Replaces the API key ID with a new key of the same name and role. The old
key keeps working for the grace period (default 1h, at most 168h), so
deployments can switch over. The new key is printed alone on standard
output, as "dxp keys create" does.`,
		Example: examples(
			"dxp keys rotate key_5f2c9a0e1b7d",
			"NEW=$(dxp keys rotate key_5f2c9a0e1b7d --grace 24h)",
		),
		Args: args(1, 1),
	}
	var grace durationFlag
	cmd.Flags().Var(&grace, "grace", "`DURATION` the old key keeps working (default: the server's, 1h)")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		var g *time.Duration
		if cmd.Flags().Changed("grace") { // "--grace 0s" is sent; no --grace leaves it to the server
			d := time.Duration(grace)
			g = &d
		}
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		k, err := cl.RotateKey(cmd.Context(), pos[0], g)
		if err != nil {
			return err
		}
		return c.printNewKey(out, k, fmt.Sprintf("Rotated %s: the new key is %s; the old key works until %s.",
			pos[0], k.ID, when(k.PreviousKeyExpiresAt)))
	}
	return cmd
}
