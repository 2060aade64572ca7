package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/client"
)

var keysCreateCmd = &command{
	name:    "keys create",
	args:    "NAME [--role admin|member|viewer] [--expires-in DURATION]",
	summary: "create an API key (admins); prints the key once",
	about: `Creates an API key of the organization (role member unless --role says
otherwise). The key is printed alone on standard output, so a script can
capture it, and the API never shows it again; the details go to standard
error.`,
	examples: []string{
		"dxp keys create github-actions",
		"KEY=$(dxp keys create nightly-dag --role member --expires-in 720h)",
		"dxp keys create auditor --role viewer --output json",
	},
	run: keysCreate,
}

func keysCreate(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	role := fs.String("role", "", "`ROLE`: admin, member or viewer (default member)")
	expiresIn := fs.Duration("expires-in", 0, "expire the key after this `DURATION`, such as 720h (default never)")
	var expiresAt timeFlag
	fs.Var(&expiresAt, "expires-at", "expire the key at this RFC 3339 `TIME`")
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	req := client.NewKey{Name: pos[0], Role: *role, ExpiresAt: expiresAt.t}
	switch {
	case *expiresIn < 0:
		return c.usage("--expires-in must be positive")
	case *expiresIn > 0 && req.ExpiresAt != nil:
		return c.usage("use --expires-in or --expires-at, not both")
	case *expiresIn > 0:
		t := time.Now().Add(*expiresIn).UTC().Truncate(time.Second)
		req.ExpiresAt = &t
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	k, err := cl.CreateKey(ctx, req)
	if err != nil {
		return err
	}
	return printNewKey(c, out, k, fmt.Sprintf("Created key %s (%s, role %s, expires %s).", k.ID, k.Name, k.Role, when(k.ExpiresAt)))
}

// printNewKey shows a key that was just made: as JSON, or the secret alone
// on standard output and what it is on standard error.
func printNewKey(c *cli, out *outputFlag, k *client.APIKey, about string) error {
	if out.json() {
		return printJSON(c.stdout, k)
	}
	fmt.Fprintln(c.stderr, about+" Store the key now; it is not shown again.")
	_, err := fmt.Fprintln(c.stdout, k.Key)
	return err
}

var keysListCmd = &command{
	name:     "keys list",
	args:     "",
	summary:  "list the organization's API keys (admins)",
	about:    `Lists the organization's API keys, never the keys themselves: their prefix identifies them.`,
	examples: []string{"dxp keys list", "dxp keys list --output json"},
	run:      keysList,
}

func keysList(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	keys, err := cl.AllKeys(ctx)
	if err != nil {
		return err
	}
	if out.json() {
		return printJSON(c.stdout, keys)
	}
	tw := newTable(c.stdout)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tPREFIX\tCREATED\tLAST USED\tEXPIRES")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, k.Prefix, when(&k.CreatedAt), when(k.LastUsedAt), when(k.ExpiresAt))
	}
	return tw.Flush()
}
