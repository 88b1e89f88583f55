-- Facilities as data (issue 22): a health system's facilities share one
-- database, and every request, invoice, disclosure, rendered document,
-- bill and statement template belongs to one of them.  0056 made the
-- hospital's details one row of a table; this migration makes it one row
-- of many:
--
--   facilities            gains a short code (custodian-cli --facility
--                         CODE), the service target in days (empty: the
--                         department's one of 0045), the request numbering
--                         prefix, and the actual-cost defaults of issue 17
--                         (labor minutes, hourly rate, supplies), which were
--                         each desk's settings and are now the hospital's.
--                         Its state (0056's default_state) picks the fee
--                         schedules and deadlines of its new requests; its
--                         Bates prefix is its bates_counters row (0066).
--   facility_members      which facilities a login works for.  A login with
--                         no row works for the default facility, so logins
--                         made before this migration, and those made the
--                         usual way since, keep seeing what they saw.
--                         Members of custodian_admin and custodian_auditor
--                         (and the schema's owner) see every facility.
--
-- Row-level security then limits every role to its facilities' rows:
-- roi_requests and each table that has a facility_id or request_id column
-- gets a RESTRICTIVE policy, so the policies already there still decide
-- what else a role may do.  Writes that go through the owner's SECURITY
-- DEFINER functions (issuing an invoice, recording a release, adding
-- records …) bypass row-level security; a trigger on each table with a
-- request_id refuses them when the request belongs to another facility.
--
-- Existing rows join the default facility without being rewritten: each
-- facility_id column is added with the default facility's id as a
-- constant default (no UPDATE, so no trigger fires and the audit chain and
-- the append-only rules of invoices and disclosures are untouched).  The
-- statements work whether 0079 made audit_log, invoices or disclosures
-- partitioned tables or not: ADD COLUMN, row triggers and policies on a
-- partitioned table apply to its partitions, and no UNIQUE constraint is
-- added to them.

-- ---- the facility's own data -----------------------------------------------

ALTER TABLE facilities
  ADD COLUMN code text,
  ADD COLUMN service_target_days integer CHECK (service_target_days BETWEEN 1 AND 30),
  ADD COLUMN request_prefix text NOT NULL DEFAULT 'ROI'
    CHECK (request_prefix ~ '^[A-Z0-9]{1,8}$'),
  ADD COLUMN cost_labor_minutes integer NOT NULL DEFAULT 0
    CHECK (cost_labor_minutes BETWEEN 0 AND 100000),
  ADD COLUMN cost_hourly_rate_cents bigint NOT NULL DEFAULT 0
    CHECK (cost_hourly_rate_cents BETWEEN 0 AND 10000000),
  ADD COLUMN cost_supplies_cents bigint NOT NULL DEFAULT 0
    CHECK (cost_supplies_cents BETWEEN 0 AND 10000000);
UPDATE facilities SET code = 'MAIN' WHERE is_default;
UPDATE facilities SET code = 'F' || id WHERE code IS NULL;
ALTER TABLE facilities
  ALTER COLUMN code SET NOT NULL,
  ADD CONSTRAINT facilities_code_check CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{0,15}$'),
  ADD CONSTRAINT facilities_code_key UNIQUE (code);

-- A new facility numbers its packets from its own counter.
CREATE FUNCTION facilities_add_counter() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO bates_counters (facility_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION facilities_add_counter() FROM PUBLIC;
CREATE TRIGGER facilities_add_counter AFTER INSERT ON facilities
  FOR EACH ROW EXECUTE FUNCTION facilities_add_counter();

-- An administrator adds facilities (never a second default) and changes
-- every detail but which row is the default.
CREATE POLICY facilities_admin_insert ON facilities FOR INSERT
  TO custodian_admin WITH CHECK (NOT is_default);
GRANT INSERT ON facilities TO custodian_admin;
GRANT UPDATE (code, service_target_days, request_prefix, cost_labor_minutes,
              cost_hourly_rate_cents, cost_supplies_cents) ON facilities TO custodian_admin;

-- ---- memberships -------------------------------------------------------------

CREATE TABLE facility_members (
  login       name NOT NULL,
  facility_id bigint NOT NULL REFERENCES facilities ON DELETE CASCADE,
  granted_at  timestamptz NOT NULL DEFAULT now(),
  granted_by  text NOT NULL DEFAULT session_user,
  PRIMARY KEY (login, facility_id)
);
CREATE INDEX facility_members_facility_idx ON facility_members (facility_id);
CREATE FUNCTION facility_members_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.granted_at := now();
  NEW.granted_by := session_user;
  RETURN NEW;
END $$;
CREATE TRIGGER facility_members_stamp BEFORE INSERT OR UPDATE ON facility_members
  FOR EACH ROW EXECUTE FUNCTION facility_members_stamp();
CREATE TRIGGER facility_members_audit AFTER INSERT OR UPDATE OR DELETE ON facility_members
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- Whether the login sees every facility: the system-wide roles, and the
-- schema's owner (migrations, the private database's owner).
CREATE FUNCTION facility_sees_all() RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT pg_has_role(session_user, 'custodian_admin', 'MEMBER')
      OR pg_has_role(session_user, 'custodian_auditor', 'MEMBER')
      OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                      WHERE oid = 'public.roi_requests'::regclass), 'MEMBER')
$$;

-- The facilities whose rows the login may see and change, with the
-- caller's rights (a login reads its own memberships).  Called in the
-- policies as (SELECT visible_facility_ids()), so it runs once per query,
-- not once per row.
CREATE FUNCTION visible_facility_ids() RETURNS bigint[]
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT CASE
    WHEN facility_sees_all() THEN (SELECT array_agg(id ORDER BY id) FROM facilities)
    WHEN EXISTS (SELECT 1 FROM facility_members WHERE login = session_user)
      THEN (SELECT array_agg(facility_id ORDER BY facility_id) FROM facility_members
             WHERE login = session_user)
    ELSE (SELECT array_agg(id) FROM facilities WHERE is_default)
  END
$$;

-- Where a row made without naming a facility goes: the login's first
-- facility, else the default one.
CREATE FUNCTION login_facility_id() RETURNS bigint
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT COALESCE((SELECT min(facility_id) FROM facility_members WHERE login = session_user),
                  (SELECT id FROM facilities WHERE is_default))
$$;

ALTER TABLE facility_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY facility_members_own ON facility_members FOR SELECT
  USING (login = session_user OR facility_sees_all());
CREATE POLICY facility_members_admin_insert ON facility_members FOR INSERT
  TO custodian_admin WITH CHECK (true);
CREATE POLICY facility_members_admin_delete ON facility_members FOR DELETE
  TO custodian_admin USING (true);
GRANT SELECT ON facility_members
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT, DELETE ON facility_members TO custodian_admin;

-- ---- every row belongs to a facility ------------------------------------------

DO $$
DECLARE
  default_id bigint := (SELECT id FROM facilities WHERE is_default);
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['roi_requests', 'invoices', 'disclosures', 'rendered_documents',
                           'bills', 'statement_templates'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN facility_id bigint NOT NULL DEFAULT %s'
                   ' REFERENCES facilities', t, default_id);
    EXECUTE format('ALTER TABLE %I ALTER COLUMN facility_id SET DEFAULT login_facility_id()', t);
  END LOOP;
END $$;
CREATE INDEX roi_requests_facility_status_idx ON roi_requests (facility_id, status, due_date);
CREATE INDEX bills_facility_idx ON bills (facility_id);

-- The request's reference starts with its facility's prefix ("ROI" for the
-- default facility, as before).  Named to run before
-- roi_requests_before_insert, which numbers a request that has none.
CREATE FUNCTION roi_requests_facility_reference() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.reference IS NULL THEN
    NEW.reference := format('%s-%s-%s',
                            (SELECT request_prefix FROM facilities WHERE id = NEW.facility_id),
                            to_char(NEW.received_date, 'YYYY'),
                            lpad(nextval('roi_reference_seq')::text, 6, '0'));
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER roi_requests_a_facility_reference BEFORE INSERT ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_facility_reference();

-- Moving a request to another facility is not a clerk's edit.
CREATE FUNCTION roi_requests_keep_facility() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.facility_id <> OLD.facility_id THEN
    RAISE EXCEPTION 'a request stays at the facility that received it' USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER roi_requests_keep_facility BEFORE UPDATE OF facility_id ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_keep_facility();

-- A row tied to a request is the request's facility's, and only a login of
-- that facility writes it, also through the owner's functions (which
-- row-level security does not see).  TG_ARGV[0] = 'stamp' where the table
-- keeps the facility itself.
CREATE FUNCTION facility_guard_request() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  request bigint;
  facility bigint;
BEGIN
  EXECUTE 'SELECT ($1).request_id' INTO request USING NEW;
  IF request IS NOT NULL THEN
    SELECT r.facility_id INTO facility FROM roi_requests r WHERE r.id = request;
    IF facility IS NOT NULL AND NOT facility = ANY (visible_facility_ids()) THEN
      RAISE EXCEPTION 'the request belongs to a facility this login does not work for'
        USING ERRCODE = '42501';
    END IF;
    IF TG_ARGV[0] = 'stamp' AND facility IS NOT NULL THEN
      NEW.facility_id := facility;
    END IF;
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION facility_guard_request() FROM PUBLIC;

-- The policies: one RESTRICTIVE policy per table, on its facility_id where
-- this migration added one, else on its request's (bates_ranges' facility
-- is the counter's, not the request's), added to what is there
-- (a table without row-level security gets it with a policy allowing what
-- its grants allow, so nothing else changes).
CREATE FUNCTION facility_secure_table(p_table regclass, p_using text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  name text := (SELECT relname FROM pg_class WHERE oid = p_table);
BEGIN
  IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = p_table) THEN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
    EXECUTE format('CREATE POLICY %I ON %s FOR ALL USING (true) WITH CHECK (true)',
                   name || '_granted', p_table);
  END IF;
  EXECUTE format('CREATE POLICY %I ON %s AS RESTRICTIVE FOR ALL USING (%s) WITH CHECK (%s)',
                 name || '_facility', p_table, p_using, p_using);
END $$;

DO $$
DECLARE
  t regclass;
  own_column boolean;
  has_request boolean;
BEGIN
  FOR t, own_column, has_request IN
    SELECT c.oid::regclass,
           c.relname IN ('roi_requests', 'invoices', 'disclosures', 'rendered_documents',
                         'bills'),
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                      AND a.attname = 'request_id' AND NOT a.attisdropped)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname NOT IN ('facilities', 'bates_counters', 'facility_members')
       AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                       AND a.attname = 'request_id' AND NOT a.attisdropped)
            OR c.relname IN ('roi_requests', 'bills'))
     ORDER BY c.relname
  LOOP
    IF own_column THEN
      PERFORM facility_secure_table(t, 'facility_id = ANY ((SELECT visible_facility_ids())::bigint[])');
    ELSE
      PERFORM facility_secure_table(t, 'request_id IS NULL OR EXISTS (SELECT 1 FROM roi_requests r'
                                       ' WHERE r.id = request_id)');
    END IF;
    IF has_request THEN
      EXECUTE format('CREATE TRIGGER facility_guard BEFORE INSERT OR UPDATE ON %s'
                     ' FOR EACH ROW EXECUTE FUNCTION facility_guard_request(%L)',
                     t, CASE WHEN own_column THEN 'stamp' ELSE 'check' END);
    END IF;
  END LOOP;
END $$;
-- A bill's lines and statements are the bill's facility's.
SELECT facility_secure_table('bill_lines', 'EXISTS (SELECT 1 FROM bills b WHERE b.id = bill_id)');
SELECT facility_secure_table('bill_statements', 'EXISTS (SELECT 1 FROM bills b WHERE b.id = bill_id)');
DROP FUNCTION facility_secure_table(regclass, text);

-- ---- the service target per facility ---------------------------------------------

-- As 0059, with the facility's own target where it has one.
CREATE OR REPLACE VIEW roi_request_clocks WITH (security_invoker = true) AS
  SELECT r.id, r.reference, r.status,
         r.due_date AS legal_due_date,
         r.received_date + COALESCE(f.service_target_days, (SELECT days FROM service_target))
           AS service_due_date,
         r.due_date - current_date AS legal_days_left,
         r.received_date + COALESCE(f.service_target_days, (SELECT days FROM service_target))
           - current_date AS service_days_left,
         COALESCE(r.status NOT IN ('released', 'denied', 'cancelled')
                  AND r.due_date - current_date <= 5, false) AS at_risk,
         d.rule_key || '@' || d.version AS deadline_rule,
         d.citation AS deadline_citation
    FROM roi_requests r LEFT JOIN deadline_rules d ON d.id = r.deadline_rule_id
    JOIN facilities f ON f.id = r.facility_id;
