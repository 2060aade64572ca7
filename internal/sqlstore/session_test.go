package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// signedIn makes a verified user who was invited to org as role.
func signedIn(t *testing.T, db *sqlstore.DB, ctx context.Context, subject string, role catalog.Role) *catalog.User {
	t.Helper()
	email := subject + "@example.com"
	if _, err := db.AddMember(ctx, email, role); err != nil {
		t.Fatal(err)
	}
	u := &catalog.User{Issuer: "https://idp", Subject: subject, Email: email, EmailVerified: true}
	if _, err := db.SignIn(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSessionService_FindReturnsUserAndMemberships(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		u := signedIn(t, db, ctx, "ana", catalog.RoleViewer)
		bg := context.Background()
		s := &catalog.Session{UserID: u.ID, EmailVerified: true, ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.CreateSession(bg, "hash-1", s); err != nil {
			t.Fatal(err)
		}
		got, user, ms, err := db.FindSession(bg, "hash-1", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got.UserID != u.ID || got.OrgID != "" || !got.EmailVerified || user.Email != "ana@example.com" || user.Subject != "ana" {
			t.Fatalf("session = %+v, user = %+v", got, user)
		}
		if len(ms) != 1 || ms[0].Org.ID != org.ID || ms[0].Role != catalog.RoleViewer {
			t.Fatalf("memberships = %+v", ms)
		}
		if err := db.SetSessionOrg(bg, "hash-1", org.ID); err != nil {
			t.Fatal(err)
		}
		if got, _, _, _ := db.FindSession(bg, "hash-1", time.Hour); got.OrgID != org.ID {
			t.Fatalf("active org = %q after switching to %q", got.OrgID, org.ID)
		}
		if _, _, _, err := db.FindSession(bg, "hash-unknown", time.Hour); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("unknown session: %v", err)
		}
		if err := db.SetSessionOrg(bg, "hash-unknown", org.ID); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("switching an unknown session: %v", err)
		}
	})
}

func TestSessionService_IdleAndAbsoluteLifetimes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		u := signedIn(t, db, ctx, "bo", catalog.RoleMember)
		bg := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		for _, h := range []string{"idle", "absolute"} {
			if err := db.CreateSession(bg, h, &catalog.Session{UserID: u.ID, ExpiresAt: now.Add(2 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		// Active every 20 minutes: the idle lifetime of 30 minutes keeps sliding.
		for range 5 {
			now = now.Add(20 * time.Minute)
			if _, _, _, err := db.FindSession(bg, "absolute", 30*time.Minute); err != nil {
				t.Fatalf("active session ended at %v: %v", now, err)
			}
		}
		// "idle" was last seen 100 minutes ago.
		if _, _, _, err := db.FindSession(bg, "idle", 30*time.Minute); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("idle session still found: %v", err)
		}
		now = now.Add(25 * time.Minute) // past the absolute end, though seen 25 minutes ago
		if _, _, _, err := db.FindSession(bg, "absolute", 30*time.Minute); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("session past its absolute end still found: %v", err)
		}
		// Refused sessions are gone, not merely hidden.
		if _, _, _, err := db.FindSession(bg, "absolute", 24*time.Hour); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("expired session came back with a longer idle lifetime: %v", err)
		}
	})
}

func TestSessionService_DeleteEndsSessions(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		a := signedIn(t, db, ctx, "cy", catalog.RoleMember)
		b := signedIn(t, db, ctx, "di", catalog.RoleMember)
		bg := context.Background()
		exp := time.Now().Add(time.Hour)
		for h, u := range map[string]*catalog.User{"a1": a, "a2": a, "b1": b} {
			if err := db.CreateSession(bg, h, &catalog.Session{UserID: u.ID, ExpiresAt: exp}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.DeleteSession(bg, "a1"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(bg, "a1"); err != nil {
			t.Fatalf("ending an ended session: %v", err)
		}
		if _, _, _, err := db.FindSession(bg, "a1", time.Hour); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("signed-out session found: %v", err)
		}
		if _, _, _, err := db.FindSession(bg, "a2", time.Hour); err != nil {
			t.Fatalf("the other session of the same person ended: %v", err)
		}
		if err := db.DeleteUserSessions(bg, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := db.FindSession(bg, "a2", time.Hour); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("session survived ending all of its user's: %v", err)
		}
		if _, _, _, err := db.FindSession(bg, "b1", time.Hour); err != nil {
			t.Fatalf("another person's session ended: %v", err)
		}
	})
}
