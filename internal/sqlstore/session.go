package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Sessions are platform rows (see migration 0008): no organization is set
// while reading them, and the memberships come through the same reviewed
// cross-tenant path as SignIn. Queries use $n placeholders, which both
// engines accept as they are.

// seenGranularity bounds how often a busy session writes its seen_at: the
// idle lifetime is minutes to hours, so a minute of slack costs nothing and
// saves a write per page view.
const seenGranularity = time.Minute

var errNoSession = catalog.Errorf(catalog.ENOTFOUND, "No such session; sign in again.")

// CreateSession stores a new session under the hash of its id.
func (db *DB) CreateSession(ctx context.Context, hash string, s *catalog.Session) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	s.CreatedAt, s.SeenAt = tx.now, tx.now
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, active_org_id, email_verified, created_at, seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, hash, s.UserID, nullString(s.OrgID), boolInt(s.EmailVerified), ts(s.CreatedAt), ts(s.SeenAt), ts(s.ExpiresAt)); err != nil {
		return fmt.Errorf("create session: %w", translate(err))
	}
	return tx.commit()
}

// FindSession resolves a session, refusing an expired or idle one (and
// deleting it, so the table does not keep dead sessions around).
func (db *DB) FindSession(ctx context.Context, hash string, idle time.Duration) (*catalog.Session, *catalog.User, []catalog.Membership, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	defer tx.Rollback()
	var s catalog.Session
	var org sql.NullString
	var verified int
	err = tx.QueryRowContext(ctx, `SELECT user_id, active_org_id, email_verified, created_at, seen_at, expires_at FROM sessions WHERE id_hash = $1`, hash).
		Scan(&s.UserID, &org, &verified, timeCol{&s.CreatedAt}, timeCol{&s.SeenAt}, timeCol{&s.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil, errNoSession
	} else if err != nil {
		return nil, nil, nil, fmt.Errorf("find session: %w", translate(err))
	}
	s.OrgID, s.EmailVerified = org.String, verified == 1
	if !tx.now.Before(s.ExpiresAt) || !tx.now.Before(s.SeenAt.Add(idle)) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hash); err != nil {
			return nil, nil, nil, fmt.Errorf("end expired session: %w", translate(err))
		}
		if err := tx.commit(); err != nil {
			return nil, nil, nil, err
		}
		return nil, nil, nil, errNoSession
	}
	var u catalog.User
	// On Postgres users are under row-level security (migration 0012) and no
	// organization is set yet: the session's hash reads its one user.
	q, arg := `SELECT id, issuer, subject, email, name FROM users WHERE id = $1`, s.UserID
	if db.engine == Postgres {
		q, arg = `SELECT user_id, user_issuer, user_subject, user_email, user_name FROM dxp_platform_session_user($1)`, hash
	}
	err = tx.QueryRowContext(ctx, q, arg).Scan(&u.ID, &u.Issuer, &u.Subject, &u.Email, &u.Name)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("session user: %w", translate(err))
	}
	ms, err := tx.memberships(ctx, u.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	if tx.now.Sub(s.SeenAt) >= seenGranularity {
		s.SeenAt = tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET seen_at = $1 WHERE id_hash = $2`, ts(s.SeenAt), hash); err != nil {
			return nil, nil, nil, fmt.Errorf("touch session: %w", translate(err))
		}
	}
	return &s, &u, ms, tx.commit()
}

// SetSessionOrg switches the organization a session acts in. The caller
// has checked that the person is a member of orgID.
func (db *DB) SetSessionOrg(ctx context.Context, hash, orgID string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE sessions SET active_org_id = $1 WHERE id_hash = $2`, nullString(orgID), hash)
	if err != nil {
		return fmt.Errorf("switch organization: %w", translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errNoSession
	}
	return tx.commit()
}

// DeleteSession ends one session (sign-out).
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hash); err != nil {
		return fmt.Errorf("end session: %w", translate(err))
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID string) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("end sessions: %w", translate(err))
	}
	return nil
}

// nullString stores "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
