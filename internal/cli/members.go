package cli

import (
	"fmt"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) membersListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--limit N]",
		Short: "list the organization's members (admins)",
		Long: `Lists the people of the organization with their roles. A member whose
SIGNED IN is "no" was invited and has not signed in yet.`,
		Example: examples("dxp members list", "dxp members list --output json | jq -r '.[] | select(.role == \"admin\") | .email'"),
		Args:    args(0, 0),
	}
	listCommand(c, cmd, "member", "ID\tEMAIL\tROLE\tSIGNED IN\tADDED",
		func(cl *client.Client) client.PageFunc[client.Member] { return cl.ListMembers },
		func(m client.Member) string {
			signedIn := "no"
			if m.Subject != nil {
				signedIn = "yes"
			}
			return fmt.Sprintf("%s\t%s\t%s\t%s\t%s", m.ID, m.Email, m.Role, signedIn, when(&m.CreatedAt))
		})
	return cmd
}

func (c *cli) membersInviteCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "invite EMAIL [--role owner|admin|member|viewer]",
		Short: "invite a person by email (admins)",
		Long: `Invites the person with EMAIL (role member unless --role says otherwise).
They join when they first sign in through the identity provider with that
address verified. Prints the member id, for "dxp members remove".`,
		Example: examples(
			"dxp members invite ana@acme.com",
			"MEMBER=$(dxp members invite ben@acme.com --role viewer)",
		),
		Args: args(1, 1),
	}
	role := cmd.Flags().String("role", "", "`ROLE`: owner, admin, member or viewer (default member)")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		m, err := cl.InviteMember(cmd.Context(), pos[0], *role)
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, m)
		}
		fmt.Fprintf(c.Stderr, "Invited %s as %s.\n", m.Email, m.Role)
		_, err = fmt.Fprintln(c.Stdout, m.ID)
		return err
	}
	return cmd
}

func (c *cli) membersRemoveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "remove ID",
		Short:   "remove a member (admins)",
		Long:    `Removes the member ID (mem_..., see "dxp members list"); their access ends at once. Removing an owner takes an owner, and the last owner stays.`,
		Example: examples("dxp members remove mem_3a9f0c1d2e4b"),
		Args:    args(1, 1),
	}
	api := addAPIFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		if err := cl.RemoveMember(cmd.Context(), pos[0]); err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.Stdout, "Removed %s.\n", pos[0])
		return err
	}
	return cmd
}
