-- History by year (issue 22): audit_log, invoices and disclosures become
-- partitioned tables, one partition per calendar year (UTC), so a year can
-- be detached to cheaper storage and attached again, and a year-long
-- report reads one year's rows instead of the whole history.
--
-- WHAT IS PARTITIONED, BY WHAT
--   audit_log    by occurred_at  the record-access log is audit_log too:
--                                record.viewed and the other events live
--                                there (0062), so it is kept by year with it
--   invoices     by issued_at    (set by the server, 0011)
--   disclosures  by created_at   the accounting of disclosures (0020); the
--                                server's clock, not disclosed_on, which a
--                                clerk may backdate: a row never has to move
--   Every key is a server timestamp, so a new row always falls in the
--   current year.  The partitions are tables of their own in the schema
--   "history", named TABLE_YEAR (history.audit_log_2026), plus
--   TABLE_default for rows of a year that has no partition yet (nobody ran
--   "db migrate" for a year): an insert never fails for want of a
--   partition, and history_ensure_year() moves such rows into their year
--   when it is made.  Application roles have no rights on the schema
--   "history": they read and write through the parent tables in "public",
--   whose grants, triggers and row-level security apply to every year.
--
-- KEYS (PostgreSQL 15: a PRIMARY KEY or UNIQUE constraint on a partitioned
-- table must include the partition key, and a foreign key must point at
-- one)
--   Each primary key becomes (id, key column): ids still come from one
--   identity sequence, so they stay unique.  Rows that other tables point
--   at by id get a small unpartitioned key table instead: invoice_keys
--   (id, number) holds one row per invoice, written by a trigger in the
--   same statement; payments.invoice_id and invoices.adjusts_invoice_id
--   reference it, and invoice numbers stay unique system-wide through it.
--   The keys stay when a year of invoices is detached, so payments keep
--   their foreign keys.  audit_log.chain_seq loses its UNIQUE: positions
--   are handed out under the chain head's lock (0051), and "audit verify"
--   refuses a repeated or missing position anyway.
--
-- THE CHAIN ACROSS YEARS
--   The hash chain ignores partitions: it is linked in chain order over the
--   parent, and rows near a new year may interleave (a transaction that
--   began on 31 December can be linked after rows of 1 January).  The
--   verifier walks the parent in chain order, which PostgreSQL merges from
--   each year's chain_seq index.  When a year is detached,
--   history_detached records its row count and its first and last chain
--   positions; "audit verify" accepts positions missing inside those
--   ranges, names the years it could not see, and fails when more
--   positions are missing than the detached years hold.
--
-- THE CONVERSION
--   Done in place, in this one transaction, without naming any column but
--   the partition key (a later migration may have added columns; the
--   converter copies whatever the table has): the old table is renamed,
--   the new one made LIKE it, the rows copied with their chain columns
--   untouched (no trigger is on the new table yet), then the indexes,
--   triggers, grants, row-level security and policies, foreign keys in and
--   out, views and functions over the table's row type are made again from
--   the catalog's own definitions.  It holds every table it converts
--   exclusively until the commit.

CREATE SCHEMA history;
REVOKE ALL ON SCHEMA history FROM PUBLIC;

-- Which tables are kept by year, and by which column.
CREATE TABLE history_tables (
  table_name text PRIMARY KEY,
  key_column text NOT NULL
);
INSERT INTO history_tables VALUES
  ('audit_log', 'occurred_at'), ('invoices', 'issued_at'), ('disclosures', 'created_at');

-- Years detached from their table, with what "audit verify" needs to know
-- it cannot see them.
CREATE TABLE history_detached (
  table_name  text NOT NULL REFERENCES history_tables,
  year        integer NOT NULL,
  row_count   bigint NOT NULL,
  first_seq   bigint,
  last_seq    bigint,
  tablespace  text,
  detached_at timestamptz NOT NULL DEFAULT now(),
  detached_by text NOT NULL DEFAULT session_user,
  PRIMARY KEY (table_name, year)
);

-- ---- the converter (temporary: it runs once, here) ---------------------

CREATE FUNCTION pg_temp.history_convert(tbl text, keys_table text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  old text := tbl || '_before_0079';
  key text := (SELECT key_column FROM history_tables WHERE table_name = tbl);
  rel oid := ('public.' || quote_ident(tbl))::regclass;
  rowtype oid := (SELECT reltype FROM pg_class WHERE oid = rel);
  seq_name text := pg_get_serial_sequence('public.' || quote_ident(tbl), 'id');
  seq_last bigint;
  seq_called boolean;
  new_seq text;
  first_year integer;
  last_year integer;
  s text;
  d record;
  statements text[] := '{}';
  links text[] := '{}';
BEGIN
  -- What to make again, read before anything changes.
  FOR d IN SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger
            WHERE tgrelid = rel AND NOT tgisinternal LOOP
    statements := statements || d.def;
  END LOOP;
  FOR d IN SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
            WHERE i.indrelid = rel
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) LOOP
    statements := statements || d.def;
  END LOOP;
  -- Primary key: the partition key joins it.  Other UNIQUE constraints
  -- become plain indexes; the key table keeps what must stay unique.
  FOR d IN SELECT c.conname, c.contype,
                  (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
                     FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = rel AND a.attnum = k.attnum) AS cols
             FROM pg_constraint c WHERE c.conrelid = rel AND c.contype IN ('p', 'u') LOOP
    IF d.contype = 'p' THEN
      statements := statements || format('ALTER TABLE public.%I ADD CONSTRAINT %I PRIMARY KEY (%s, %I)',
                                         tbl, d.conname, d.cols, key);
    ELSE
      statements := statements || format('CREATE INDEX %I ON public.%I (%s)', d.conname, tbl, d.cols);
    END IF;
  END LOOP;
  -- Foreign keys out of the table and into it; those pointing at a table
  -- kept by year point at its key table.
  FOR d IN SELECT c.conrelid, c.conname, pg_get_constraintdef(c.oid) AS def
             FROM pg_constraint c WHERE c.contype = 'f' AND (c.conrelid = rel OR c.confrelid = rel) LOOP
    links := links || format('ALTER TABLE %s ADD CONSTRAINT %I %s',
                             CASE WHEN d.conrelid = rel THEN format('public.%I', tbl)
                                  ELSE d.conrelid::regclass::text END,
                             d.conname,
                             CASE WHEN keys_table IS NULL THEN d.def
                                  ELSE regexp_replace(d.def, 'REFERENCES (public\.)?' || tbl || '\(',
                                                      'REFERENCES public.' || keys_table || '(') END);
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', d.conrelid::regclass, d.conname);
  END LOOP;
  FOR d IN SELECT a.privilege_type, a.grantee::regrole::text AS grantee
             FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = rel AND a.grantee <> c.relowner LOOP
    statements := statements || format('GRANT %s ON public.%I TO %s', d.privilege_type, tbl, d.grantee);
  END LOOP;
  IF (SELECT relrowsecurity FROM pg_class WHERE oid = rel) THEN
    statements := statements || format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', tbl);
  END IF;
  IF (SELECT relforcerowsecurity FROM pg_class WHERE oid = rel) THEN
    statements := statements || format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', tbl);
  END IF;
  FOR d IN SELECT * FROM pg_policies WHERE schemaname = 'public' AND tablename = tbl LOOP
    statements := statements || format('CREATE POLICY %I ON public.%I AS %s FOR %s TO %s%s%s',
      d.policyname, tbl, d.permissive, d.cmd,
      (SELECT string_agg(CASE WHEN r = 'public' THEN 'PUBLIC' ELSE quote_ident(r) END, ', ')
         FROM unnest(d.roles) r),
      CASE WHEN d.qual IS NOT NULL THEN ' USING (' || d.qual || ')' ELSE '' END,
      CASE WHEN d.with_check IS NOT NULL THEN ' WITH CHECK (' || d.with_check || ')' ELSE '' END);
  END LOOP;
  -- Views over the table (they follow the old table by oid) and functions
  -- taking or returning its row type go, and come back over the new one.
  FOR d IN SELECT DISTINCT v.oid, v.oid::regclass::text AS name, pg_get_viewdef(v.oid) AS def,
                  v.relacl, v.reloptions
             FROM pg_depend dep JOIN pg_rewrite r ON r.oid = dep.objid
             JOIN pg_class v ON v.oid = r.ev_class
            WHERE dep.refobjid = rel AND v.oid <> rel LOOP
    links := links || format('CREATE VIEW %s%s AS %s', d.name,
                             CASE WHEN d.reloptions IS NOT NULL
                                  THEN ' WITH (' || array_to_string(d.reloptions, ', ') || ')' ELSE '' END,
                             d.def);
    links := links || ARRAY(SELECT format('GRANT %s ON %s TO %s', a.privilege_type, d.name,
                                          a.grantee::regrole)
                              FROM aclexplode(d.relacl) a
                             WHERE a.grantee <> (SELECT relowner FROM pg_class WHERE oid = d.oid));
    EXECUTE format('DROP VIEW %s', d.name);
  END LOOP;
  FOR d IN SELECT p.oid, p.oid::regprocedure::text AS name, pg_get_functiondef(p.oid) AS def, p.proacl
             FROM pg_proc p
            WHERE p.prorettype = rowtype OR rowtype = ANY (p.proargtypes::oid[]) LOOP
    links := links || d.def;
    IF d.proacl IS NOT NULL THEN
      links := links || format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', d.name);
      links := links || ARRAY(SELECT format('GRANT EXECUTE ON FUNCTION %s TO %s', d.name,
                                            CASE a.grantee WHEN 0 THEN 'PUBLIC'
                                                 ELSE a.grantee::regrole::text END)
                                FROM aclexplode(d.proacl) a
                               WHERE a.grantee <> (SELECT proowner FROM pg_proc WHERE oid = d.oid));
    END IF;
    EXECUTE format('DROP FUNCTION %s', d.name);
  END LOOP;

  EXECUTE format('ALTER TABLE public.%I RENAME TO %I', tbl, old);
  EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS '
                 'INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS) '
                 'PARTITION BY RANGE (%I)', tbl, old, key);
  EXECUTE format('SELECT extract(year FROM min(%1$I) AT TIME ZONE ''UTC'')::int, '
                 'extract(year FROM max(%1$I) AT TIME ZONE ''UTC'')::int FROM public.%2$I', key, old)
     INTO first_year, last_year;
  first_year := LEAST(COALESCE(first_year, history_current_year()), history_current_year());
  last_year := GREATEST(COALESCE(last_year, history_current_year()), history_current_year() + 1);
  EXECUTE format('CREATE TABLE history.%I PARTITION OF public.%I DEFAULT', tbl || '_default', tbl);
  FOR y IN first_year .. last_year LOOP
    PERFORM history_ensure_year(tbl, y);
  END LOOP;
  -- Every row as it is, chain columns included: no trigger yet.
  EXECUTE format('INSERT INTO public.%I OVERRIDING SYSTEM VALUE SELECT * FROM public.%I', tbl, old);
  IF seq_name IS NOT NULL THEN
    EXECUTE format('SELECT last_value, is_called FROM %s', seq_name) INTO seq_last, seq_called;
  END IF;
  EXECUTE format('DROP TABLE public.%I', old);
  IF seq_name IS NOT NULL THEN
    new_seq := pg_get_serial_sequence('public.' || quote_ident(tbl), 'id');
    PERFORM setval(new_seq, seq_last, seq_called);
    EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', new_seq,
                   regexp_replace(seq_name, '^.*\.', ''));
  END IF;
  FOREACH s IN ARRAY statements || links LOOP
    EXECUTE replace(s, 'public.' || old || ' ', 'public.' || tbl || ' ');
  END LOOP;
END $$;

-- ---- years ---------------------------------------------------------------

CREATE FUNCTION history_current_year() RETURNS integer
LANGUAGE sql STABLE AS $$
  SELECT extract(year FROM now() AT TIME ZONE 'UTC')::integer
$$;

CREATE FUNCTION history_check_table(tbl text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
  key text;
BEGIN
  SELECT key_column INTO key FROM history_tables WHERE table_name = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION '"%" is not kept by year; the tables that are: %', tbl,
      (SELECT string_agg(table_name, ', ' ORDER BY table_name) FROM history_tables)
      USING ERRCODE = 'CS004';
  END IF;
  RETURN key;
END $$;

-- Makes one year's partition; false when it exists already (attached or
-- detached: a detached year is attached again, never made anew).  Rows of
-- that year that went to the default partition meanwhile are moved into
-- it: the default is detached for the move so no trigger sees the rows
-- leave or arrive, and their chain columns stay as they are.
CREATE FUNCTION history_ensure_year(tbl text, year integer) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  key text := history_check_table(tbl);
  part text := tbl || '_' || year;
  spare text := tbl || '_default';
  lo timestamptz := make_timestamptz(year, 1, 1, 0, 0, 0, 'UTC');
  hi timestamptz := make_timestamptz(year + 1, 1, 1, 0, 0, 0, 'UTC');
  strays bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_admin']) THEN
    RAISE EXCEPTION 'only an administrator changes the years kept' USING ERRCODE = '42501';
  END IF;
  IF year < 1990 OR year > 9998 THEN
    RAISE EXCEPTION 'year % is out of range', year USING ERRCODE = 'CS004';
  END IF;
  IF to_regclass(format('history.%I', part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('SELECT count(*) FROM history.%I WHERE %I >= $1 AND %I < $2', spare, key, key)
     INTO strays USING lo, hi;
  IF strays = 0 THEN
    EXECUTE format('CREATE TABLE history.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                   part, tbl, lo, hi);
    RETURN true;
  END IF;
  EXECUTE format('ALTER TABLE public.%I DETACH PARTITION history.%I', tbl, spare);
  EXECUTE format('CREATE TABLE history.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                 part, tbl);
  EXECUTE format('INSERT INTO history.%I SELECT * FROM history.%I WHERE %I >= $1 AND %I < $2',
                 part, spare, key, key) USING lo, hi;
  EXECUTE format('DELETE FROM history.%I WHERE %I >= $1 AND %I < $2', spare, key, key) USING lo, hi;
  EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION history.%I FOR VALUES FROM (%L) TO (%L)',
                 tbl, part, lo, hi);
  EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION history.%I DEFAULT', tbl, spare);
  RETURN true;
END $$;
REVOKE EXECUTE ON FUNCTION history_ensure_year(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION history_ensure_year(text, integer) TO custodian_admin;

-- This year and the next for every table: "db migrate" calls it each run,
-- so the year ahead exists before anyone writes in it.  Returns how many
-- partitions it made.
CREATE FUNCTION history_ensure_ahead() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  made integer := 0;
  t text;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_admin']) THEN
    RAISE EXCEPTION 'only an administrator changes the years kept' USING ERRCODE = '42501';
  END IF;
  FOR t IN SELECT table_name FROM history_tables ORDER BY table_name LOOP
    FOR y IN history_current_year() .. history_current_year() + 1 LOOP
      IF history_ensure_year(t, y) THEN
        made := made + 1;
      END IF;
    END LOOP;
  END LOOP;
  RETURN made;
END $$;
REVOKE EXECUTE ON FUNCTION history_ensure_ahead() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION history_ensure_ahead() TO custodian_admin;

-- Every year of every table kept by year: attached ones from the catalog,
-- detached ones from history_detached.
CREATE VIEW history_years AS
  SELECT t.table_name, substring(c.relname::text FROM '_(\d{4})$')::integer AS year,
         true AS attached, NULL::bigint AS row_count,
         NULL::timestamptz AS detached_at, NULL::text AS detached_by
    FROM history_tables t
    JOIN pg_inherits i ON i.inhparent = ('public.' || t.table_name)::regclass
    JOIN pg_class c ON c.oid = i.inhrelid
   WHERE c.relname::text ~ '_\d{4}$'
  UNION ALL
  SELECT table_name, year, false, row_count, detached_at, detached_by FROM history_detached;

-- Detaches an old year, optionally moving it to another tablespace.  The
-- current year and those ahead stay; so do the disclosures of the six
-- years an accounting covers (45 CFR 164.528(a)), and an audit year with
-- rows still waiting to be linked.  The detached table keeps its own
-- append-only triggers (PostgreSQL drops the ones it had from the parent).
CREATE FUNCTION history_detach_year(tbl text, year integer, tablespace text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  key text := history_check_table(tbl);
  part text := tbl || '_' || year;
  n bigint;
  first bigint;
  last bigint;
  unlinked bigint := 0;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_admin']) THEN
    RAISE EXCEPTION 'only an administrator changes the years kept' USING ERRCODE = '42501';
  END IF;
  IF year >= history_current_year() THEN
    RAISE EXCEPTION 'the current year and the years ahead stay attached' USING ERRCODE = 'CS004';
  END IF;
  IF tbl = 'disclosures' AND year > history_current_year() - 7 THEN
    RAISE EXCEPTION 'an accounting of disclosures covers the six years before the request: '
                    'disclosures of % and later stay attached', history_current_year() - 6
      USING ERRCODE = 'CS004';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_inherits
                  WHERE inhrelid = to_regclass(format('history.%I', part))
                    AND inhparent = ('public.' || tbl)::regclass) THEN
    RAISE EXCEPTION '% has no attached year %', tbl, year USING ERRCODE = 'CS004';
  END IF;
  IF tbl = 'audit_log' THEN
    EXECUTE format('SELECT count(*), min(chain_seq), max(chain_seq), '
                   'count(*) FILTER (WHERE chain_seq IS NULL) FROM history.%I', part)
       INTO n, first, last, unlinked;
  ELSE
    EXECUTE format('SELECT count(*) FROM history.%I', part) INTO n;
  END IF;
  IF unlinked > 0 THEN
    RAISE EXCEPTION 'audit year % has rows not linked into the chain yet; run "audit verify" first',
      year USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO history_detached (table_name, year, row_count, first_seq, last_seq, tablespace)
  VALUES (tbl, year, n, first, last, tablespace);
  PERFORM audit_event('history.detached',
                      jsonb_build_object('table', tbl, 'year', year, 'rows', n,
                                         'first_seq', first, 'last_seq', last));
  EXECUTE format('ALTER TABLE public.%I DETACH PARTITION history.%I', tbl, part);
  EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON history.%I '
                 'FOR EACH ROW EXECUTE FUNCTION public.audit_log_refuse_change()',
                 part || '_append_only', part);
  EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON history.%I '
                 'FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_refuse_change()',
                 part || '_no_truncate', part);
  IF tablespace IS NOT NULL THEN
    EXECUTE format('ALTER TABLE history.%I SET TABLESPACE %I', part, tablespace);
  END IF;
  RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION history_detach_year(text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION history_detach_year(text, integer, text) TO custodian_admin;

-- Attaches a detached year again (PostgreSQL checks every row belongs to
-- the year); "audit verify" then walks it like any other.
CREATE FUNCTION history_attach_year(tbl text, year integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  key text := history_check_table(tbl);
  part text := tbl || '_' || year;
  detached history_detached;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_admin']) THEN
    RAISE EXCEPTION 'only an administrator changes the years kept' USING ERRCODE = '42501';
  END IF;
  SELECT * INTO detached FROM history_detached d WHERE d.table_name = tbl AND d.year = history_attach_year.year
     FOR UPDATE;
  IF NOT FOUND OR to_regclass(format('history.%I', part)) IS NULL THEN
    RAISE EXCEPTION '% has no detached year %', tbl, year USING ERRCODE = 'CS004';
  END IF;
  EXECUTE format('DROP TRIGGER %I ON history.%I', part || '_append_only', part);
  EXECUTE format('DROP TRIGGER %I ON history.%I', part || '_no_truncate', part);
  EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION history.%I FOR VALUES FROM (%L) TO (%L)',
                 tbl, part, make_timestamptz(year, 1, 1, 0, 0, 0, 'UTC'),
                 make_timestamptz(year + 1, 1, 1, 0, 0, 0, 'UTC'));
  DELETE FROM history_detached d WHERE d.table_name = tbl AND d.year = history_attach_year.year;
  PERFORM audit_event('history.attached',
                      jsonb_build_object('table', tbl, 'year', year, 'rows', detached.row_count));
  RETURN detached.row_count;
END $$;
REVOKE EXECUTE ON FUNCTION history_attach_year(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION history_attach_year(text, integer) TO custodian_admin;

-- ---- invoice keys --------------------------------------------------------

-- What other tables point at, and what must stay unique across years.
CREATE TABLE invoice_keys (
  id     bigint PRIMARY KEY,
  number text NOT NULL UNIQUE
);
INSERT INTO invoice_keys (id, number) SELECT id, number FROM invoices;

CREATE FUNCTION invoice_keys_record() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO invoice_keys (id, number) VALUES (NEW.id, NEW.number);
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION invoice_keys_record() FROM PUBLIC;

-- ---- audit rows name the table, not the year -------------------------------

-- A row trigger on a partitioned table runs on the partition, so
-- TG_TABLE_NAME says "invoices_2026"; the audit row names the table the
-- application wrote, as before.
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  old_json jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
  new_json jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
BEGIN
  INSERT INTO audit_log (actor, table_name, row_id, action, old_row, new_row)
  VALUES (session_user,
          CASE WHEN TG_TABLE_SCHEMA = 'history'
               THEN regexp_replace(TG_TABLE_NAME, '_(\d{4}|default)$', '')
               ELSE TG_TABLE_NAME END,
          (COALESCE(new_json, old_json)->>'id')::bigint, TG_OP, old_json, new_json);
  RETURN NULL;
END $$;

-- ---- convert ----------------------------------------------------------------

SELECT pg_temp.history_convert('audit_log', NULL);
SELECT pg_temp.history_convert('invoices', 'invoice_keys');
SELECT pg_temp.history_convert('disclosures', NULL);

CREATE TRIGGER invoice_keys_record AFTER INSERT ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoice_keys_record();

GRANT SELECT ON invoice_keys TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT SELECT ON history_tables, history_detached, history_years
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- audit_chain_link_visible (0057) is left as it is: it updates each row
-- "WHERE id = r.id", which now probes each year's primary key index once
-- (a few index probes per linked row; the years are few).
