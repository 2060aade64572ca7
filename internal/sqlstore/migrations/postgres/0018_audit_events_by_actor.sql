-- The audit log filtered by actor reads one actor's events newest first
-- through this index instead of scanning the organization's whole log.
CREATE INDEX audit_events_by_actor ON audit_events (organization_id, actor_id, time, id);
