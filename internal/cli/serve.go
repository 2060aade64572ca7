package cli

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/server"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/spf13/cobra"
)

func (c *cli) serveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve [--migrate]",
		Short: "run the API server (DATAXPIPE_ADDR, default :8000)",
		Long: `Runs the catalog's HTTP server (the API, webhooks, /healthz and /readyz)
until it is interrupted (SIGINT or SIGTERM), then lets requests in flight
finish. It prints where it listens (the UI at /, the API at /api/v1/) on
standard output; logs are JSON lines on standard error. The embedded SQLite default
migrates itself; a Postgres database must be migrated first (dxp migrate,
or --migrate here), and the server refuses to start on an outdated schema.
In production it also refuses to connect to Postgres as a superuser or a
BYPASSRLS role, which row-level security does not apply to: migrate as the
owner with dxp migrate --app-role NAME and serve as that role (--migrate,
which needs the owner, is therefore for development). An invalid
configuration stops the start with every problem listed.

` + environmentHelp(),
		Example: examples(
			"dxp serve",
			"DATAXPIPE_DB=postgres://dataxpipe_app:...@db/catalog DATAXPIPE_SECRET_KEY_FILE=/run/secrets/key dxp serve",
		),
		Args: args(0, 0),
	}
	migrate := cmd.Flags().Bool("migrate", false, "apply pending migrations before serving (Postgres)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := config.Load(c.Getenv)
		if err != nil {
			return err
		}
		logger := slog.New(slog.NewJSONHandler(c.Stderr, nil))
		srv, err := server.New(cmd.Context(), cfg, server.Options{Logger: logger, Migrate: *migrate})
		if err != nil {
			return err
		}
		defer srv.Close()
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen on %s (DATAXPIPE_ADDR): %w", cfg.Addr, err)
		}
		c.greet(cfg, ln.Addr())
		return srv.Serve(cmd.Context(), ln)
	}
	return cmd
}

// greet tells a person where the server is, on standard output: the logs
// on standard error stay JSON lines for machines.
func (c *cli) greet(cfg config.Config, addr net.Addr) {
	base := "http://" + browsable(addr.String())
	mode := "production mode"
	if cfg.Development() {
		mode = "development mode; scaffold keys platform-key, admin-key and dev-key"
	}
	fmt.Fprintf(c.Stdout, "DataXPipe Catalog listening on %s (%s, database %s)\n  UI:  %s/\n  API: %s/api/v1/\n",
		base, mode, describeDB(cfg.DB), base, base)
}

// describeDB names the database without its credentials: the SQLite file,
// or the Postgres host and database.
func describeDB(dsn string) string {
	if sqlstore.EngineOf(dsn) != sqlstore.Postgres {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "PostgreSQL"
	}
	return "PostgreSQL at " + u.Host + u.Path
}

// browsable turns a listen address into one a browser can open: a
// wildcard host (":8000", "[::]:8000", "0.0.0.0:8000") is localhost.
func browsable(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func (c *cli) migrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate [--app-role NAME] [status]",
		Short: "apply (or list) database migrations",
		Long: `Applies the pending migrations to the shared store and to every dedicated
tenant store of DATAXPIPE_TENANTS (creating tenant schemas first), one
line per store and migration. "dxp migrate status" only lists what is
pending. It reads the server's whole configuration, as dxp serve does, and
stops on any invalid setting; of it, it uses DATAXPIPE_DB,
DATAXPIPE_TENANTS and the pool sizes.

` + environmentHelp(),
		Example: examples(
			"DATAXPIPE_DB=postgres://owner@db/catalog dxp migrate --app-role dataxpipe_app",
			"dxp migrate status",
		),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 || (len(args) == 1 && args[0] != "status") {
				return usagef(cmd, "the only argument is status")
			}
			return nil
		},
	}
	appRole := cmd.Flags().String("app-role", "", "Postgres: create this login role `NAME` (no superuser, no BYPASSRLS) and grant it what the server needs")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		cfg, err := config.Load(c.Getenv)
		if err != nil {
			return err
		}
		return server.Migrate(cmd.Context(), cfg, server.MigrateOptions{Status: len(pos) == 1, AppRole: *appRole}, c.Stdout)
	}
	return cmd
}

// environmentHelp lists the variables the server's configuration reads,
// from internal/config, so help names every one of them.
func environmentHelp() string {
	width := 0
	for _, v := range config.Variables {
		width = max(width, len(v.Name))
	}
	var b strings.Builder
	b.WriteString("Environment (each variable may instead name a file in <NAME>_FILE):\n")
	for _, v := range config.Variables {
		about := v.About
		if v.Default != "" {
			about += " (default " + v.Default + ")"
		}
		fmt.Fprintf(&b, "  %-*s  %s\n", width, v.Name, wrap(about, width+4, 100))
	}
	return b.String()
}
