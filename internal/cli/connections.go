package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) connectionsListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "list [--limit N]",
		Short:   "list the organization's connections",
		Long:    `Lists the organization's connections by id, following the API's pages to the end unless --limit stops earlier.`,
		Example: examples("dxp connections list", "dxp connections list --output json | jq -r '.[].id'"),
		Args:    args(0, 0),
	}
	listCommand(c, cmd, "connection", "ID\tTYPE\tDESCRIPTION\tUPDATED",
		func(cl *client.Client) client.PageFunc[client.Connection] { return cl.ListConnections },
		func(conn client.Connection) string {
			return fmt.Sprintf("%s\t%s\t%s\t%s", conn.ID, conn.Type, orDash(conn.Description), when(conn.UpdatedAt))
		})
	return cmd
}

func (c *cli) connectionsGetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get ID",
		Short: "show a connection (plaintext secrets masked)",
		Long: `Shows the connection ID with its config. Plaintext secrets are stored
encrypted and shown as ********; keys ending in _secret are references to
a secret store and are shown as given.`,
		Example: examples("dxp connections get pg-prod", "dxp connections get pg-prod --output json | jq .config"),
		Args:    args(1, 1),
	}
	readCommand(c, cmd, func(ctx context.Context, cl *client.Client, pos []string) (*client.Connection, error) {
		return cl.GetConnection(ctx, pos[0])
	}, func(conn *client.Connection) error {
		return c.connectionTable(conn)
	})
	return cmd
}

// connectionTable shows one connection, its config one key a line.
func (c *cli) connectionTable(conn *client.Connection) error {
	tw, row := detailTable(c.Stdout)
	row("ID", conn.ID)
	row("Type", conn.Type)
	row("Description", conn.Description)
	keys := make([]string, 0, len(conn.Config))
	for k := range conn.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		row("Config", "")
	}
	for i, k := range keys {
		label := ""
		if i == 0 {
			label = "Config:"
		}
		fmt.Fprintf(tw, "%s\t%s = %s\n", label, k, configValue(conn.Config[k]))
	}
	row("Updated", when(conn.UpdatedAt))
	return tw.Flush()
}

// configValue shows a config value: text as it is, anything else as JSON.
func configValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return value(v)
}

func (c *cli) connectionsCreateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create ID --type TYPE [--config KEY=VALUE]... [--config-file FILE] [--description TEXT]",
		Short: "create a connection; plaintext secrets are encrypted at rest",
		Long: `Creates the connection ID (such as pg-prod, the connection_ref of specs).
Its config comes from --config-file, a JSON object ("-" reads standard
input), and from --config KEY=VALUE, which sets a text value and wins over
the file. Values of keys such as password, token or private_key are
encrypted at rest and shown as ********; a key ending in _secret is a
reference to a secret store. Pass secrets through --config-file - rather
than --config, which other users of the machine can see in the process
list. Beyond the plan's connections the API answers 403.`,
		Example: examples(
			"dxp connections create pg-prod --type postgres --config host=db.internal --config user=etl --config password_secret=vault/pg/etl",
			"echo '{\"host\": \"db.internal\", \"port\": 5432, \"password\": \"'\"$PGPASSWORD\"'\"}' | dxp connections create pg-prod --type postgres --config-file -",
		),
		Args: args(1, 1),
	}
	var conn client.Connection
	cmd.Flags().StringVar(&conn.Type, "type", "", "the connection's `TYPE`: postgres, bigquery, snowflake, ...")
	cmd.Flags().StringVar(&conn.Description, "description", "", "a `TEXT` saying what the connection is for")
	settings := cmd.Flags().StringArray("config", nil, "a config setting `KEY=VALUE`, as text (repeatable)")
	file := cmd.Flags().String("config-file", "", "a JSON `FILE` holding the config object (- for standard input)")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		conn.ID, conn.Config = pos[0], map[string]any{}
		if conn.Type == "" {
			return usagef(cmd, "--type is required (postgres, bigquery, snowflake, ...)")
		}
		if *file != "" {
			cfg, err := c.readConfigFile(*file)
			if err != nil {
				return err
			}
			conn.Config = cfg
		}
		for _, s := range *settings {
			k, v, ok := strings.Cut(s, "=")
			if !ok || k == "" {
				return usagef(cmd, "--config %q is not KEY=VALUE", s)
			}
			conn.Config[k] = v
		}
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		got, err := cl.CreateConnection(cmd.Context(), conn)
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, got)
		}
		fmt.Fprintf(c.Stdout, "Created connection %s.\n", got.ID)
		return c.connectionTable(got)
	}
	return cmd
}

// readConfigFile reads a connection's config, a JSON object, keeping
// numbers as written (a long account id must not become a float).
func (c *cli) readConfigFile(path string) (map[string]any, error) {
	var (
		body []byte
		err  error
	)
	if path == "-" {
		body, err = io.ReadAll(c.Stdin)
	} else {
		body, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read the connection config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var cfg map[string]any
	if err := dec.Decode(&cfg); err != nil || cfg == nil {
		return nil, fmt.Errorf("%s must hold a JSON object of the connection's settings, such as {\"host\": \"db.internal\"}", path)
	}
	return cfg, nil
}

// listConnectionIDs returns the ids of every connection, for the dry run's
// connection_ref warnings.
func listConnectionIDs(ctx context.Context, cl *client.Client) (map[string]bool, error) {
	conns, err := client.Collect(ctx, cl.ListConnections, 0, nil)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, conn := range conns {
		ids[conn.ID] = true
	}
	return ids, nil
}
