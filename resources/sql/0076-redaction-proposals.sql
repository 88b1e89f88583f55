-- Redaction proposals and whole-page withholding proven (issue 19).
--
-- WHAT IS STORED
--   redaction_terms    the terms a hospital configures per reason, for
--                      the proposal finder to look for in record pages
--                      (for example a substance-use program's name, under
--                      part2).  Data, not code: administrators add and
--                      retire them; a retired term stays on record.
--   record_redaction_proofs.withheld_pages
--                      how many withheld pages (left out of the release,
--                      0067) the build's read-back compared against every
--                      packet page by page hash; a withheld page found in
--                      the packet fails the proof and names the page.
--
--   record_redaction_options
--                      the request's choices for its packet (issue 19):
--                      whether the pages rebuilt for redaction get an OCR
--                      text layer (made from the burned image, so redacted
--                      words cannot come back) and whether the packet ends
--                      with a redaction log page (packet page, box count
--                      and reason of each, never the content), who chose
--                      and when.  No row: neither.
--
-- The proposals themselves are record_redactions rows (0069) with source
-- 'proposal' and state 'proposed': a person accepts or rejects each one;
-- the finder never applies anything.
--
-- WHO MAY RUN WHAT
--   redaction_term_add, redaction_term_retire     custodian_admin
--   record_redaction_proved_pages                 custodian_clerk, custodian_admin
--   record_redaction_options_set                  custodian_clerk, custodian_admin
--   Reading the terms: the desk, auditors and administrators.
--
-- RELEASE
--   A request whose records have withheld pages is released only after
--   its last build proved them absent (a trigger of its own, beside
--   0069's, which still covers the redactions).

CREATE TABLE redaction_terms (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reason      withholding_reason NOT NULL,
  term        text NOT NULL CHECK (btrim(term) <> '' AND length(term) <= 200),
  added_by    text NOT NULL DEFAULT session_user,
  added_at    timestamptz NOT NULL DEFAULT now(),
  retired_by  text,
  retired_at  timestamptz,
  CHECK ((retired_by IS NULL) = (retired_at IS NULL)),
  CHECK (reason::text NOT IN ('outside_date_range', 'not_held', 'other'))
);
-- One live term per reason and spelling (case aside).
CREATE UNIQUE INDEX redaction_terms_live_idx ON redaction_terms (reason, lower(term))
  WHERE retired_at IS NULL;

CREATE TRIGGER redaction_terms_no_delete BEFORE DELETE ON redaction_terms
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER redaction_terms_audit AFTER INSERT OR UPDATE ON redaction_terms
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON redaction_terms TO custodian_clerk, custodian_auditor, custodian_admin;
ALTER TABLE redaction_terms ENABLE ROW LEVEL SECURITY;
CREATE POLICY redaction_terms_read ON redaction_terms FOR SELECT USING (true);

-- Adds a term the finder proposes under @p_reason; returns its id.
CREATE FUNCTION redaction_term_add(p_reason text, p_term text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_admin']) THEN
    RAISE EXCEPTION 'only administrators configure redaction terms' USING ERRCODE = '42501';
  END IF;
  IF p_reason IS NULL OR p_reason IN ('outside_date_range', 'not_held', 'other') THEN
    RAISE EXCEPTION 'a redaction term needs a reason a box may carry, not %', p_reason
      USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO redaction_terms (reason, term)
  VALUES (p_reason::withholding_reason, btrim(p_term))
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION redaction_term_add(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION redaction_term_add(text, text) TO custodian_admin;

-- Retires term @p_id: the finder no longer proposes it.
CREATE FUNCTION redaction_term_retire(p_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_admin']) THEN
    RAISE EXCEPTION 'only administrators configure redaction terms' USING ERRCODE = '42501';
  END IF;
  UPDATE redaction_terms SET retired_by = session_user, retired_at = now()
   WHERE id = p_id AND retired_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no redaction term % in use', p_id USING ERRCODE = 'CS004';
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION redaction_term_retire(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION redaction_term_retire(bigint) TO custodian_admin;

-- ---- withheld pages proven absent ---------------------------------------

ALTER TABLE record_redaction_proofs
  ADD COLUMN withheld_pages integer NOT NULL DEFAULT 0 CHECK (withheld_pages >= 0);

-- Records the read-back of build @p_build_id (0069's record_redaction_proved,
-- which now calls this): the applied redactions it burned, the pages it
-- rebuilt, the withheld pages it compared by page hash, and the first
-- packet page that still showed redacted text or a withheld page (NULL:
-- none did).
CREATE FUNCTION record_redaction_proved_pages(p_build_id bigint, p_redaction_ids bigint[],
                                              p_redacted_pages integer, p_withheld_pages integer,
                                              p_failed_page integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  b record_packet_builds;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators build packets'
      USING ERRCODE = '42501';
  END IF;
  SELECT * INTO b FROM record_packet_builds WHERE id = p_build_id;
  IF NOT FOUND OR b.built_by <> session_user THEN
    RAISE EXCEPTION 'a proof is recorded by whoever built the packet' USING ERRCODE = 'CS004';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_redaction_ids) AS i(id)
              WHERE NOT EXISTS (SELECT 1 FROM record_redactions r
                                 WHERE r.id = i.id AND r.request_id = b.request_id
                                   AND r.state = 'applied')) THEN
    RAISE EXCEPTION 'a proof covers applied redactions of its own request' USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO record_redaction_proofs (build_id, request_id, redaction_ids, redacted_pages,
                                       withheld_pages, passed, failed_page)
  VALUES (b.id, b.request_id, ARRAY(SELECT DISTINCT unnest(p_redaction_ids) ORDER BY 1),
          p_redacted_pages, p_withheld_pages, p_failed_page IS NULL, p_failed_page);
END $$;
REVOKE EXECUTE ON FUNCTION record_redaction_proved_pages(bigint, bigint[], integer, integer, integer)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_redaction_proved_pages(bigint, bigint[], integer, integer, integer)
  TO custodian_clerk, custodian_admin;

-- One body for both: 0069's form proves no withheld pages.  It runs with
-- the caller's rights: the body it calls checks the caller's roles.
CREATE OR REPLACE FUNCTION record_redaction_proved(p_build_id bigint, p_redaction_ids bigint[],
                                                   p_redacted_pages integer, p_failed_page integer)
RETURNS void
LANGUAGE sql SECURITY INVOKER SET search_path = public, pg_temp AS $$
  SELECT record_redaction_proved_pages(p_build_id, p_redaction_ids, p_redacted_pages, 0,
                                       p_failed_page)
$$;

-- A request with withheld pages waits for its last build's proof that
-- none of them is in the packet.
CREATE FUNCTION record_pages_withheld_release_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  last_build bigint;
  proof record_redaction_proofs;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM record_page_exclusions e
                   JOIN record_documents d ON d.id = e.document_id
                  WHERE d.request_id = NEW.id) THEN
    RETURN NEW;
  END IF;
  SELECT max(id) INTO last_build FROM record_packet_builds WHERE request_id = NEW.id;
  SELECT * INTO proof FROM record_redaction_proofs WHERE build_id = last_build;
  IF last_build IS NOT NULL AND NOT FOUND THEN
    RAISE EXCEPTION 'request % withholds pages: build the packet, whose read-back proves them absent, before it is released',
      NEW.reference USING ERRCODE = 'CS001';
  END IF;
  IF FOUND AND NOT proof.passed THEN
    RAISE EXCEPTION 'request %: the packet check failed on page % (redacted text or a withheld page is there)',
      NEW.reference, proof.failed_page USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION record_pages_withheld_release_check() FROM PUBLIC;
CREATE TRIGGER record_pages_withheld_release_check BEFORE UPDATE OF status ON roi_requests
  FOR EACH ROW WHEN (NEW.status = 'released' AND OLD.status IS DISTINCT FROM 'released')
  EXECUTE FUNCTION record_pages_withheld_release_check();

-- ---- the request's choices ----------------------------------------------

CREATE TABLE record_redaction_options (
  request_id  bigint PRIMARY KEY REFERENCES roi_requests,
  text_layer  boolean NOT NULL DEFAULT false,
  log_page    boolean NOT NULL DEFAULT false,
  set_by      text NOT NULL DEFAULT session_user,
  set_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER record_redaction_options_audit AFTER INSERT OR UPDATE ON record_redaction_options
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
GRANT SELECT ON record_redaction_options TO custodian_clerk, custodian_auditor, custodian_admin;
ALTER TABLE record_redaction_options ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_redaction_options_read ON record_redaction_options FOR SELECT USING (true);

-- Sets the request's choices (an OCR text layer on its rebuilt pages, a
-- redaction log page), while the request is open.
CREATE FUNCTION record_redaction_options_set(p_request_id bigint, p_text_layer boolean,
                                             p_log_page boolean)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk chooses how a packet is built'
      USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM roi_requests WHERE id = p_request_id) THEN
    RAISE EXCEPTION 'no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  PERFORM record_redaction_request_open(p_request_id);
  INSERT INTO record_redaction_options (request_id, text_layer, log_page)
  VALUES (p_request_id, COALESCE(p_text_layer, false), COALESCE(p_log_page, false))
  ON CONFLICT (request_id) DO UPDATE
    SET text_layer = EXCLUDED.text_layer, log_page = EXCLUDED.log_page,
        set_by = session_user, set_at = now();
END $$;
REVOKE EXECUTE ON FUNCTION record_redaction_options_set(bigint, boolean, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_redaction_options_set(bigint, boolean, boolean)
  TO custodian_clerk, custodian_admin;
