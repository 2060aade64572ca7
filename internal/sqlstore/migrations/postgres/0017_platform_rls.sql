-- organizations and users come under row-level security too, so that the
-- application role with no organization set reads neither the tenant list
-- nor anyone's email. An organization sees its own row; a user row is
-- visible to the organizations the user is a member of (the members
-- subquery is itself filtered by members' tenant policy). Users are written
-- only by dxp_platform_sign_in below: there is no write policy for them.
-- The migrating role owns the tables and is a superuser or has BYPASSRLS,
-- so the SECURITY DEFINER functions it owns still see every row.
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_self ON organizations
    USING (id = current_setting('app.org_id', true))
    WITH CHECK (id = current_setting('app.org_id', true));

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_of_organization ON users FOR SELECT
    USING (EXISTS (SELECT 1 FROM members m
                   WHERE m.user_id = users.id AND m.organization_id = current_setting('app.org_id', true)));

-- The platform functions accept only arguments of the shape the server
-- itself produces (a hex SHA-256, a usr_ id, a slug, a Stripe customer id)
-- and answer nothing for anything else; STRICT answers nothing for NULL.
-- Each lookup returns what its one caller needs, by an exact key.
CREATE OR REPLACE FUNCTION dxp_platform_find_api_key(p_hash text)
RETURNS TABLE (org_id text, key_id text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT h.organization_id, h.key_id FROM api_key_hashes h
      WHERE p_hash ~ '^[0-9a-f]{64}$' AND h.key_hash = p_hash $$;

-- A signed-in person's memberships with their organizations, read before
-- any organization is known (sign-in, a web session).
DROP FUNCTION dxp_platform_memberships(text);
CREATE FUNCTION dxp_platform_memberships(p_user text)
RETURNS TABLE (org_id text, member_id text, member_role text, org_slug text, org_name text, org_plan text,
               org_customer text, org_subscription text, org_created timestamptz, org_updated timestamptz)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT d.organization_id, d.member_id, m.role, o.slug, o.name, o.plan,
             COALESCE(o.stripe_customer_id, ''), COALESCE(o.subscription_status, ''), o.created_at, o.updated_at
      FROM member_directory d
      JOIN members m ON m.organization_id = d.organization_id AND m.id = d.member_id
      JOIN organizations o ON o.id = d.organization_id
      WHERE p_user ~ '^usr_[0-9A-Za-z]{20}$' AND d.user_id = p_user $$;

-- Sign-in records the person (the only write to users) and, when the
-- issuer verified the email, binds the invitations waiting for that email,
-- except in organizations where the person already is a member. It replaces
-- dxp_platform_bind_invitations, which bound any email to any user.
DROP FUNCTION dxp_platform_bind_invitations(text, text);
CREATE FUNCTION dxp_platform_sign_in(p_new_id text, p_issuer text, p_subject text, p_email text, p_name text,
                                     p_verified boolean, p_now timestamptz)
RETURNS text
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER SET search_path FROM CURRENT
AS $$
DECLARE
    v_id text;
BEGIN
    -- The display name is the identity provider's to choose, so only the
    -- keys of the row are checked.
    IF p_new_id !~ '^usr_[0-9A-Za-z]{20}$' OR p_issuer = '' OR p_subject = '' OR length(p_issuer) > 2048
       OR length(p_subject) > 2048 OR length(p_email) > 320 THEN
        RAISE EXCEPTION 'dxp_platform_sign_in: arguments not of the shape the server sends' USING ERRCODE = '22023';
    END IF;
    INSERT INTO users (id, issuer, subject, email, name, created_at, updated_at)
    VALUES (p_new_id, p_issuer, p_subject, p_email, p_name, p_now, p_now)
    ON CONFLICT (issuer, subject) DO UPDATE SET email = excluded.email, name = excluded.name, updated_at = excluded.updated_at
    RETURNING id INTO v_id;
    IF p_verified AND p_email <> '' THEN
        UPDATE members SET user_id = v_id
         WHERE user_id IS NULL AND email = p_email
           AND organization_id NOT IN (SELECT organization_id FROM member_directory WHERE user_id = v_id);
        UPDATE member_directory d SET user_id = v_id
         WHERE d.user_id IS NULL AND d.email = p_email
           AND EXISTS (SELECT 1 FROM members m WHERE m.organization_id = d.organization_id AND m.id = d.member_id AND m.user_id = v_id);
    END IF;
    RETURN v_id;
END
$$;

-- The organization of a slug (admin changes, the development organization)
-- and of a Stripe customer (webhooks): ids only, the row is then read
-- acting in that organization.
CREATE FUNCTION dxp_platform_find_org(p_slug text)
RETURNS text
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT id FROM organizations WHERE p_slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' AND slug = p_slug $$;

CREATE FUNCTION dxp_platform_find_org_by_customer(p_customer text)
RETURNS text
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT id FROM organizations WHERE p_customer ~ '^cus_[0-9A-Za-z_]{1,250}$' AND stripe_customer_id = p_customer $$;

-- One page of the tenant list by slug, for the platform admin's listing and
-- the jobs that visit every organization; at most 501 rows a call.
CREATE FUNCTION dxp_platform_list_orgs(p_after text, p_limit integer)
RETURNS TABLE (org_id text, org_slug text, org_name text, org_plan text, org_customer text, org_subscription text,
               org_created timestamptz, org_updated timestamptz)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT id, slug, name, plan, COALESCE(stripe_customer_id, ''), COALESCE(subscription_status, ''), created_at, updated_at
      FROM organizations WHERE slug > p_after ORDER BY slug LIMIT LEAST(GREATEST(p_limit, 1), 501) $$;

-- The person of a web session (migration 0008), read by the session's
-- hash before any organization is known: holding the session is what
-- entitles the reader to that one user row.
CREATE FUNCTION dxp_platform_session_user(p_id_hash text)
RETURNS TABLE (user_id text, user_issuer text, user_subject text, user_email text, user_name text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT u.id, u.issuer, u.subject, u.email, u.name FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = p_id_hash $$;

-- Functions are executable by PUBLIC unless revoked; only the application
-- role (GrantAppRole) may call these.
REVOKE EXECUTE ON FUNCTION dxp_platform_find_api_key(text), dxp_platform_memberships(text),
    dxp_platform_sign_in(text, text, text, text, text, boolean, timestamptz), dxp_platform_find_org(text),
    dxp_platform_find_org_by_customer(text), dxp_platform_list_orgs(text, integer), dxp_platform_session_user(text) FROM PUBLIC;
