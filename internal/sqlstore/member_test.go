package sqlstore_test

import (
	"context"
	"sync"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestPeopleService_SignInBindsVerifiedInvitations(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctxA, orgA := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		ctxB, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		for _, ctx := range []context.Context{ctxA, ctxB} {
			if _, err := db.AddMember(ctx, "Eve@Example.com", catalog.RoleViewer); err != nil {
				t.Fatal(err)
			}
		}
		u := &catalog.User{Issuer: "https://idp", Subject: "eve", Email: "eve@example.com"}
		if ms, err := db.SignIn(context.Background(), u); err != nil || len(ms) != 0 {
			t.Fatalf("unverified email bound %d memberships (%v)", len(ms), err)
		}
		u.EmailVerified = true
		ms, err := db.SignIn(context.Background(), u)
		if err != nil || len(ms) != 2 {
			t.Fatalf("verified sign-in: %d memberships, %v; want 2", len(ms), err)
		}
		again, err := db.SignIn(context.Background(), &catalog.User{Issuer: "https://idp", Subject: "eve", Email: "eve@example.com", EmailVerified: true})
		if err != nil || len(again) != 2 || again[0].Org.ID != ms[0].Org.ID {
			t.Fatalf("second sign-in = %v, %v", again, err)
		}
		// Someone else with the same email but another subject gets nothing: the invitations are taken.
		other, err := db.SignIn(context.Background(), &catalog.User{Issuer: "https://idp", Subject: "mallory", Email: "eve@example.com", EmailVerified: true})
		if err != nil || len(other) != 0 {
			t.Fatalf("a second subject took %d bound memberships (%v)", len(other), err)
		}
		list, _, err := db.ListMembers(ctxA, catalog.Page{})
		if err != nil || len(list) != 1 || list[0].Subject != "eve" || list[0].OrgID != orgA.ID {
			t.Fatalf("members of A = %+v, %v", list, err)
		}
	})
}

func TestMemberService_LastOwnerRace(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		owner := sqlstoretest.AsOrg(org, catalog.RoleOwner)
		var ids []string
		for _, email := range []string{"a@x.io", "b@x.io"} {
			m, err := db.AddMember(owner, email, catalog.RoleOwner)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		if _, err := db.AddMember(sqlstoretest.AsOrg(org, catalog.RoleAdmin), "c@x.io", catalog.RoleOwner); catalog.ErrorCode(err) != catalog.EFORBIDDEN {
			t.Fatalf("an admin granted owner: %v", err)
		}
		// Two owners demote each other at once: exactly one demotion wins.
		var wg sync.WaitGroup
		codes := make([]string, 2)
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := db.UpdateMemberRole(owner, id, catalog.RoleAdmin)
				codes[i] = catalog.ErrorCode(err)
			}()
		}
		wg.Wait()
		if !(codes[0] == "" && codes[1] == catalog.ECONFLICT) && !(codes[1] == "" && codes[0] == catalog.ECONFLICT) {
			t.Fatalf("concurrent demotions gave %q; want one success and one conflict", codes)
		}
		other, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		if err := db.RemoveMember(other, ids[0]); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("another org removed a member: %v", err)
		}
	})
}
