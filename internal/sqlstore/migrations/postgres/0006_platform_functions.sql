-- The platform's cross-tenant lookups, as SECURITY DEFINER functions owned
-- by the migrating role (superuser or BYPASSRLS). They are the only way the
-- application role reaches rows of an organization it has not set with
-- app.org_id: resolving a presented key, and a signed-in person's
-- memberships. Each returns ids only; the rows themselves are then read in
-- a transaction acting in that organization.

CREATE FUNCTION dxp_platform_find_api_key(p_hash text)
RETURNS TABLE (org_id text, key_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT h.organization_id, h.key_id FROM api_key_hashes h WHERE h.key_hash = p_hash $$;

CREATE FUNCTION dxp_platform_memberships(p_user text)
RETURNS TABLE (org_id text, member_id text, member_role text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT d.organization_id, d.member_id, m.role
      FROM member_directory d JOIN members m ON m.organization_id = d.organization_id AND m.id = d.member_id
      WHERE d.user_id = p_user $$;

-- Binds the invitations waiting for a verified email to the user, except in
-- organizations where the user already is a member.
CREATE FUNCTION dxp_platform_bind_invitations(p_user text, p_email text)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
  UPDATE members SET user_id = p_user
   WHERE user_id IS NULL AND email = p_email
     AND organization_id NOT IN (SELECT organization_id FROM member_directory WHERE user_id = p_user);
  UPDATE member_directory d SET user_id = p_user
   WHERE d.user_id IS NULL AND d.email = p_email
     AND EXISTS (SELECT 1 FROM members m WHERE m.organization_id = d.organization_id AND m.id = d.member_id AND m.user_id = p_user);
$$;
