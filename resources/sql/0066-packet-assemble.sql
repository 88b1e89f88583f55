-- The packet assembled (issue 18, packet-assemble slice): the notices the
-- law requires with the records, which record kinds call for them, and
-- Bates numbers per facility.
--
-- WHAT IS STORED
--   record_kind_categories  which record kinds (as written on a document,
--                           compared trimmed and case-folded) belong to a
--                           sensitive category: 'part2' marks substance use
--                           disorder records under 42 CFR Part 2.  Kept by
--                           administrators, beside the authorization
--                           checklist (authorization_elements).
--   release_notices         the notices that go into a packet, effective-
--                           dated versions per code, each with its citation
--                           and source: federal (jurisdiction NULL) or a
--                           state's; for every packet (category NULL) or
--                           only when records of that category are in it.
--                           The wording is NULL while nobody has entered the
--                           regulation's text: a packet that needs such a
--                           notice is refused rather than sent without it.
--   bates_counters          one per facility: the prefix, the digits and the
--                           next number.
--   bates_ranges            every range handed out (who, when, which request).
--
-- WHO
--   record_kind_categories, release_notices: every role reads; an
--     administrator adds (release notices are never changed or deleted: a
--     new version with a later effective date replaces one).
--   bates_counters: every role reads; an administrator sets the prefix and
--     digits; nobody writes next_number but allocate_bates().
--   allocate_bates(): custodian_clerk, custodian_admin (they build packets).

-- ---- sensitive record kinds -------------------------------------------------

CREATE TABLE record_kind_categories (
  kind        text PRIMARY KEY CHECK (kind = lower(btrim(kind)) AND kind <> ''
                                      AND length(kind) <= 100),
  category    text NOT NULL CHECK (category IN ('part2')),
  recorded_by text NOT NULL DEFAULT session_user,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER record_kind_categories_audit AFTER INSERT OR UPDATE OR DELETE
  ON record_kind_categories FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- The wording the checklist itself uses for Part 2 records
-- (authorization_elements 'part2_consent'); a hospital adds its own kinds.
INSERT INTO record_kind_categories (kind, category) VALUES
  ('substance use disorder records', 'part2'),
  ('substance use disorder treatment records', 'part2');

ALTER TABLE record_kind_categories ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_kind_categories_read ON record_kind_categories FOR SELECT USING (true);
CREATE POLICY record_kind_categories_admin ON record_kind_categories FOR ALL
  TO custodian_admin USING (true) WITH CHECK (true);
GRANT SELECT ON record_kind_categories
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT, DELETE ON record_kind_categories TO custodian_admin;

-- The categories of one request's record documents.
CREATE FUNCTION packet_categories(p_request_id bigint) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT c.category
    FROM record_documents d
    JOIN record_kind_categories c ON c.kind = lower(btrim(d.kind))
   WHERE d.request_id = p_request_id
$$;

-- ---- notices ----------------------------------------------------------------

CREATE TABLE release_notices (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code           text NOT NULL CHECK (code ~ '^[a-z0-9_]+$'),
  title          text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 200),
  citation       text NOT NULL CHECK (btrim(citation) <> '' AND length(citation) <= 200),
  jurisdiction   char(2) REFERENCES jurisdictions,
  category       text CHECK (category IN ('part2')),
  wording        text CHECK (wording IS NULL OR (btrim(wording) <> '' AND length(wording) <= 20000)),
  source         text NOT NULL CHECK (btrim(source) <> '' AND length(source) <= 2000),
  effective_from date NOT NULL,
  effective_to   date CHECK (effective_to IS NULL OR effective_to > effective_from),
  recorded_by    text NOT NULL DEFAULT session_user,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (code, effective_from)
);

CREATE FUNCTION release_notices_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.recorded_by := session_user;
  NEW.recorded_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER release_notices_stamp BEFORE INSERT ON release_notices
  FOR EACH ROW EXECUTE FUNCTION release_notices_stamp();
CREATE TRIGGER release_notices_append_only BEFORE UPDATE OR DELETE ON release_notices
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER release_notices_audit AFTER INSERT ON release_notices
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- 42 CFR 2.32: each disclosure of Part 2 records made with the patient's
-- consent carries the prohibition on re-disclosure; the 2024 final rule
-- changed its wording, compliance date 2026-02-16
-- (/work/shared/reference/release-step.md, marked confirmed there).  That
-- reference does not give the text, and none is invented here: the wording
-- stays NULL until an administrator enters the regulation's text as a new
-- version, and until then a packet with Part 2 records is refused.
-- No state notice is seeded: the reference material names none with its
-- text.
INSERT INTO release_notices (code, title, citation, jurisdiction, category, wording, source,
                             effective_from) VALUES
  ('part2_redisclosure', 'Prohibition on re-disclosure', '42 CFR 2.32(a)', NULL, 'part2', NULL,
   '42 CFR 2.32 as amended by the final rule of 2024 (89 FR 12472, Feb. 16, 2024); compliance date 2026-02-16',
   DATE '2026-02-16');

ALTER TABLE release_notices ENABLE ROW LEVEL SECURITY;
CREATE POLICY release_notices_read ON release_notices FOR SELECT USING (true);
CREATE POLICY release_notices_admin_insert ON release_notices FOR INSERT
  TO custodian_admin WITH CHECK (true);
GRANT SELECT ON release_notices
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT ON release_notices TO custodian_admin;

-- The notices a request's packet carries today: the latest version of each
-- code in effect, federal or the request's state, for every packet or for
-- a category of its records.  wording NULL: required, but not on file.
CREATE FUNCTION packet_notices(p_request_id bigint)
RETURNS TABLE (code text, title text, citation text, wording text, effective_from date)
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT ON (n.code) n.code, n.title, n.citation, n.wording, n.effective_from
    FROM roi_requests r
    JOIN release_notices n
      ON (n.jurisdiction IS NULL OR n.jurisdiction = r.jurisdiction)
     AND n.effective_from <= current_date
     AND (n.effective_to IS NULL OR n.effective_to > current_date)
     AND (n.category IS NULL OR n.category IN (SELECT packet_categories(r.id)))
   WHERE r.id = p_request_id
   ORDER BY n.code, n.effective_from DESC
$$;

-- ---- Bates numbers ----------------------------------------------------------

CREATE TABLE bates_counters (
  facility_id bigint PRIMARY KEY REFERENCES facilities,
  prefix      text NOT NULL DEFAULT '' CHECK (prefix ~ '^[A-Za-z0-9_-]{0,20}$'),
  digits      integer NOT NULL DEFAULT 6 CHECK (digits BETWEEN 1 AND 12),
  next_number bigint NOT NULL DEFAULT 1 CHECK (next_number >= 1),
  updated_by  text NOT NULL DEFAULT session_user,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER bates_counters_stamp BEFORE INSERT OR UPDATE ON bates_counters
  FOR EACH ROW EXECUTE FUNCTION facilities_stamp();
CREATE TRIGGER bates_counters_audit AFTER INSERT OR UPDATE ON bates_counters
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

INSERT INTO bates_counters (facility_id) SELECT id FROM facilities;

ALTER TABLE bates_counters ENABLE ROW LEVEL SECURITY;
CREATE POLICY bates_counters_read ON bates_counters FOR SELECT USING (true);
CREATE POLICY bates_counters_admin_update ON bates_counters FOR UPDATE
  TO custodian_admin USING (true) WITH CHECK (true);
GRANT SELECT ON bates_counters
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT UPDATE (prefix, digits) ON bates_counters TO custodian_admin;

CREATE TABLE bates_ranges (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  facility_id  bigint NOT NULL REFERENCES facilities,
  request_id   bigint NOT NULL REFERENCES roi_requests,
  prefix       text NOT NULL,
  first_number bigint NOT NULL CHECK (first_number >= 1),
  last_number  bigint NOT NULL CHECK (last_number >= first_number),
  allocated_by text NOT NULL DEFAULT session_user,
  allocated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bates_ranges_request_idx ON bates_ranges (request_id);
CREATE TRIGGER bates_ranges_append_only BEFORE UPDATE OR DELETE ON bates_ranges
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER bates_ranges_audit AFTER INSERT ON bates_ranges
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
ALTER TABLE bates_ranges ENABLE ROW LEVEL SECURITY;
CREATE POLICY bates_ranges_read ON bates_ranges FOR SELECT USING (true);
GRANT SELECT ON bates_ranges
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- Hands out @p_count consecutive numbers of the default facility's counter
-- for a request's packet.  The counter row is locked by the UPDATE until
-- the caller's transaction ends, so two clerks building at once get two
-- ranges one after the other, never the same numbers; a build that fails
-- rolls its range back with it.
CREATE FUNCTION allocate_bates(p_request_id bigint, p_count integer)
RETURNS TABLE (prefix text, digits integer, first_number bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  counter bates_counters;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators number packets'
      USING ERRCODE = '42501';
  END IF;
  IF p_count IS NULL OR p_count < 1 OR p_count > 1000000 THEN
    RAISE EXCEPTION 'a Bates range has from 1 to 1000000 pages' USING ERRCODE = '22023';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM roi_requests WHERE id = p_request_id) THEN
    RAISE EXCEPTION 'no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  UPDATE bates_counters c SET next_number = c.next_number + p_count
    FROM facilities f
   WHERE f.id = c.facility_id AND f.is_default
  RETURNING c.* INTO counter;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the facility has no Bates counter' USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO bates_ranges (facility_id, request_id, prefix, first_number, last_number)
    VALUES (counter.facility_id, p_request_id, counter.prefix,
            counter.next_number - p_count, counter.next_number - 1);
  RETURN QUERY SELECT counter.prefix, counter.digits, counter.next_number - p_count;
END $$;
REVOKE EXECUTE ON FUNCTION allocate_bates(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION allocate_bates(bigint, integer) TO custodian_clerk, custodian_admin;
