package main

import (
	"context"
	"fmt"
	"time"
)

var keysRevokeCmd = &command{
	name:     "keys revoke",
	args:     "ID",
	summary:  "revoke an API key (admins)",
	about:    `Revokes the API key ID (key_..., see "dxp keys list"); it is refused from then on.`,
	examples: []string{"dxp keys revoke key_5f2c9a0e1b7d"},
	run:      keysRevoke,
}

func keysRevoke(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	api := addAPIFlags(fs)
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	if err := cl.RevokeKey(ctx, pos[0]); err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "Revoked %s.\n", pos[0])
	return err
}

var keysRotateCmd = &command{
	name:    "keys rotate",
	args:    "ID [--grace DURATION]",
	summary: "replace an API key; the old one works for a grace period",
	about: `Replaces the API key ID with a new key of the same name and role. The old
key keeps working for the grace period (default 1h, at most 168h), so
deployments can switch over. The new key is printed alone on standard
output, as "dxp keys create" does.`,
	examples: []string{
		"dxp keys rotate key_5f2c9a0e1b7d",
		"NEW=$(dxp keys rotate key_5f2c9a0e1b7d --grace 24h)",
	},
	run: keysRotate,
}

func keysRotate(ctx context.Context, c *cli, args []string) error {
	fs := c.flags()
	grace := fs.Duration("grace", 0, "`DURATION` the old key keeps working (default: the server's, 1h)")
	api, out := addAPIFlags(fs), addOutputFlag(fs)
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	var g *time.Duration
	if isSet(fs, "grace") {
		g = grace
	}
	cl, err := api.client(c)
	if err != nil {
		return err
	}
	k, err := cl.RotateKey(ctx, pos[0], g)
	if err != nil {
		return err
	}
	return printNewKey(c, out, k, fmt.Sprintf("Rotated %s: the new key is %s; the old key works until %s.",
		pos[0], k.ID, when(k.PreviousKeyExpiresAt)))
}
