package catalog

import (
	"context"
	"regexp"
	"time"
)

// Connection is how pipelines reach an external system (a warehouse, a
// database, a bucket). Pipelines name it in connection_ref.
type Connection struct {
	OrgID       string
	ID          string // chosen by the user, unique in the organization
	Type        string
	Description string
	// Config is the connection's settings. Plaintext secrets in it (see
	// IsSecretKey) are sealed by the store and read back as SecretMask.
	Config    map[string]any
	CreatedAt time.Time
	UpdatedAt time.Time
}

var (
	connectionIDPattern   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)
	connectionTypePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
)

// Validate lists every problem with the connection's own fields; the store
// adds what needs the database (secrets without a key, a masked secret with
// nothing stored behind it).
func (c *Connection) Validate() []FieldError {
	var errs []FieldError
	if !connectionIDPattern.MatchString(c.ID) {
		errs = append(errs, FieldError{"id", "id must match ^[a-z][a-z0-9-]{0,62}$: a lowercase letter, then up to 62 lowercase letters, digits or hyphens, such as bq-prod."})
	}
	if !connectionTypePattern.MatchString(c.Type) {
		errs = append(errs, FieldError{"type", "type is required: a lowercase word such as postgres, bigquery or snowflake (letters, digits, '_' or '-')."})
	}
	if len(c.Description) > 1000 {
		errs = append(errs, FieldError{"description", "description must be at most 1000 characters."})
	}
	if c.Config == nil {
		errs = append(errs, FieldError{"config", "config is required: a JSON object of the connection's settings ({} for none)."})
	}
	return errs
}

// ConnectionService manages the caller's organization's connections. Its
// reads never return a plaintext secret: those come back as SecretMask.
type ConnectionService interface {
	// CreateConnection seals c's plaintext secrets and stores it, audited as
	// connection.created. EINVALID for bad fields or a SecretMask value;
	// ECONFLICT if the id is taken; ELIMIT beyond the plan; EUNAVAILABLE when
	// c carries a plaintext secret and the server has no secret key.
	CreateConnection(ctx context.Context, c *Connection) error
	// FindConnection returns one connection. ENOTFOUND.
	FindConnection(ctx context.Context, id string) (*Connection, error)
	// ListConnections lists by id.
	ListConnections(ctx context.Context, page Page) ([]*Connection, string, error)
	// ReplaceConnection replaces the type, description and config of the
	// connection c.ID, audited as connection.updated. A secret whose value
	// is SecretMask keeps the value stored at the same place. ENOTFOUND,
	// EINVALID, EUNAVAILABLE as for CreateConnection.
	ReplaceConnection(ctx context.Context, c *Connection) error
	// DeleteConnection removes a connection, audited as connection.deleted.
	// Pipelines naming it keep working (connection_ref is only a name).
	// ENOTFOUND.
	DeleteConnection(ctx context.Context, id string) error
	// MissingConnections returns those of ids that name no connection of
	// the organization, in the order given.
	MissingConnections(ctx context.Context, ids []string) ([]string, error)
}
