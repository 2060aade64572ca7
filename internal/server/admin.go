package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// NewOrg is what `dxp admin create-org` asks for.
type NewOrg struct {
	Slug, Name, Plan string // Plan "" is free
	// Tenant, when set, is the host of a dedicated store of
	// DATAXPIPE_TENANTS to create the organization in; else the shared store.
	Tenant string
}

// CreatedOrg is an organization created from the command line, with its
// first admin key. Secret is the key itself: shown once, stored only hashed.
type CreatedOrg struct {
	Org    *catalog.Org
	Key    *catalog.APIKey
	Secret string
	Store  string // "shared" or the tenant's host
}

// CreateOrg creates an organization and its first admin key directly in
// the database, for a production without OIDC where no platform admin can
// call POST /api/v1/admin/organizations/ yet. It is that route's store
// call, with the same audit events (organization.created and
// api_key.created, by the actor system), so the two cannot drift apart.
// The schema must be current; the embedded SQLite default migrates itself,
// as serve does. It does not refuse an owner role as serve does: it is run
// by the operator who also runs dxp migrate.
func CreateOrg(ctx context.Context, cfg config.Config, o NewOrg) (*CreatedOrg, error) {
	if o.Plan == "" {
		o.Plan = catalog.PlanFree
	}
	if errs := catalog.ValidateOrg(o.Slug, o.Name, o.Plan); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Message
		}
		return nil, fmt.Errorf("invalid organization: %s", strings.Join(msgs, "; "))
	}
	name, dsn, err := storeFor(cfg, o.Tenant)
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{PoolMin: 0, PoolMax: 2})
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", name, err)
	}
	defer db.Close()
	if db.Engine() == sqlstore.SQLite {
		if _, err := db.Migrate(ctx); err != nil {
			return nil, fmt.Errorf("store %s: %w", name, err)
		}
	}
	if pending, err := db.Pending(ctx); err != nil {
		return nil, fmt.Errorf("store %s: %w", name, err)
	} else if len(pending) > 0 {
		return nil, fmt.Errorf("store %s: the database schema is behind (%s pending): run `dxp migrate` first", name, strings.Join(pending, ", "))
	}

	org := &catalog.Org{Slug: o.Slug, Name: o.Name, Plan: o.Plan}
	secret := auth.GenerateKey()
	key := &catalog.APIKey{Name: "admin", Role: catalog.RoleAdmin, Prefix: auth.DisplayPrefix(secret), Hash: auth.HashKey(secret)}
	// No key or person acts here, so the audit actor is system; the request
	// id tells these events from the server's own.
	ctx = catalog.NewContextWithPrincipal(ctx, &catalog.Principal{RequestID: "dxp admin create-org"})
	err = db.CreateOrg(ctx, org, key)
	switch catalog.ErrorCode(err) {
	case "":
		return &CreatedOrg{Org: org, Key: key, Secret: secret, Store: name}, nil
	case catalog.ECONFLICT:
		return nil, fmt.Errorf("an organization with the slug %q exists already in store %s: nothing was changed; "+
			"choose another slug (its admins create more keys with dxp keys create)", o.Slug, name)
	}
	return nil, fmt.Errorf("store %s: create organization: %w", name, err)
}

// storeFor names the store an admin command works on and its DSN: the
// shared store, or the dedicated store of the tenant with host.
func storeFor(cfg config.Config, host string) (name, dsn string, err error) {
	if host == "" {
		return "shared", cfg.DB, nil
	}
	tenants, err := loadTenants(cfg)
	if err != nil {
		return "", "", err
	}
	if len(tenants) == 0 {
		return "", "", fmt.Errorf("no tenant %q: DATAXPIPE_TENANTS is unset", host)
	}
	hosts := make([]string, len(tenants))
	for i, t := range tenants {
		if t.Host == host {
			return t.Host, t.DSN(cfg.DB), nil
		}
		hosts[i] = t.Host
	}
	return "", "", fmt.Errorf("no tenant %q in DATAXPIPE_TENANTS; its hosts are %s", host, strings.Join(hosts, ", "))
}
