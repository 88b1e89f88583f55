-- Redaction inside record pages (issue 19): boxes with a reason, applied
-- only by a person with the redaction right, undoable until release, and a
-- release that waits for the read-back proof of the last build.
--
-- WHAT IS STORED
--   record_redactions  one row per box on one page of a record document:
--                      the box in points from the page's top-left (as
--                      the page shows, its crop box), the reason (the
--                      withholding reasons, extended below; "other" needs
--                      a written reason), where it came from (a box drawn,
--                      a text marked, a proposal), its state, who proposed
--                      it and when, who decided and when (the server's).
--                      The text under a box is NOT stored: the build reads
--                      it from the original page, keeps it in memory for
--                      the read-back check, and never writes it out.
--   record_redaction_proofs
--                      one row per build of a packet with redactions: the
--                      redactions it burned (ids), how many pages it
--                      rebuilt, whether the read-back found none of the
--                      redacted text, and the first packet page that still
--                      showed some.  The check itself runs in the client
--                      (the server parses no PDFs): like a build's page
--                      count, the proof is the building client's word.
--
-- THE RIGHT TO APPLY (a new database grant)
--   custodian_redactor is a group role with no privileges of its own; it
--   is a right checked inside the functions.  An administrator's DBA
--   grants it to a clerk's login (GRANT custodian_redactor TO alice).
--   Clerks without it may propose redactions; only members of
--   custodian_redactor (and administrators) apply, accept or remove them.
--
-- WHO MAY RUN WHAT (owner-rights functions; caller_is_one_of inside)
--   record_redaction_add       custodian_clerk, custodian_admin (applying
--                              at once: custodian_redactor or admin)
--   record_redaction_decide    custodian_clerk, custodian_admin (inside:
--                              custodian_redactor or admin)
--   record_redaction_remove    custodian_clerk, custodian_admin (inside: an
--                              applied one, custodian_redactor or admin; a
--                              proposal, also whoever proposed it)
--   record_redaction_proved    custodian_clerk, custodian_admin
--   Reading: the desk, auditors (the quality reviewer sees every redaction
--   and its reason) and administrators; billing does not.
--
-- RELEASE
--   A trigger on the change of a request's status to released refuses the
--   release when the request has applied redactions and the last build
--   did not prove exactly those (SQLSTATE CS001, naming the page).

ALTER TYPE withholding_reason ADD VALUE IF NOT EXISTS 'other_person';
ALTER TYPE withholding_reason ADD VALUE IF NOT EXISTS 'state_protected';
ALTER TYPE withholding_reason ADD VALUE IF NOT EXISTS 'other';

-- Roles are cluster-wide: a second database (or a concurrent migration)
-- may have made it.
DO $$
BEGIN
  CREATE ROLE custodian_redactor NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END $$;

CREATE TABLE record_redactions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id   bigint NOT NULL REFERENCES roi_requests,
  document_id  bigint NOT NULL REFERENCES record_documents,
  page         integer NOT NULL CHECK (page >= 1),
  x            double precision NOT NULL CHECK (x >= 0 AND x < 20000),
  y            double precision NOT NULL CHECK (y >= 0 AND y < 20000),
  width        double precision NOT NULL CHECK (width > 0 AND width < 20000),
  height       double precision NOT NULL CHECK (height > 0 AND height < 20000),
  reason       withholding_reason NOT NULL,
  reason_text  text CHECK (length(reason_text) <= 500),
  source       text NOT NULL CHECK (source IN ('box', 'text', 'proposal')),
  state        text NOT NULL DEFAULT 'proposed'
               CHECK (state IN ('proposed', 'applied', 'rejected', 'removed')),
  proposed_by  text NOT NULL DEFAULT session_user,
  proposed_at  timestamptz NOT NULL DEFAULT now(),
  decided_by   text,
  decided_at   timestamptz,
  -- Compared as text: the enum's new values cannot be named in the
  -- transaction that adds them.
  CHECK (reason::text <> 'other' OR btrim(COALESCE(reason_text, '')) <> ''),
  CHECK (reason::text NOT IN ('outside_date_range', 'not_held'))
);
CREATE INDEX record_redactions_request_idx ON record_redactions (request_id, document_id, page);

CREATE TABLE record_redaction_proofs (
  build_id        bigint PRIMARY KEY REFERENCES record_packet_builds,
  request_id      bigint NOT NULL REFERENCES roi_requests,
  redaction_ids   bigint[] NOT NULL,
  redacted_pages  integer NOT NULL CHECK (redacted_pages >= 0),
  passed          boolean NOT NULL,
  failed_page     integer CHECK (failed_page >= 1),
  checked_by      text NOT NULL DEFAULT session_user,
  checked_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (passed = (failed_page IS NULL))
);
CREATE INDEX record_redaction_proofs_request_idx ON record_redaction_proofs (request_id);

-- Rows change only through the functions below; a proof never changes.
CREATE TRIGGER record_redactions_no_delete BEFORE DELETE ON record_redactions
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER record_redaction_proofs_append_only BEFORE UPDATE OR DELETE ON record_redaction_proofs
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER record_redactions_audit AFTER INSERT OR UPDATE ON record_redactions
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER record_redaction_proofs_audit AFTER INSERT ON record_redaction_proofs
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON record_redactions, record_redaction_proofs
  TO custodian_clerk, custodian_auditor, custodian_admin;
ALTER TABLE record_redactions ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_redactions_read ON record_redactions FOR SELECT USING (true);
ALTER TABLE record_redaction_proofs ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_redaction_proofs_read ON record_redaction_proofs FOR SELECT USING (true);

-- ---- marking ------------------------------------------------------------

-- The open request of a redaction, locked against other changes of its
-- redactions; raises when it is closed (released, denied, cancelled).
CREATE FUNCTION record_redaction_request_open(p_request_id bigint) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  req roi_requests;
BEGIN
  SELECT * INTO req FROM roi_requests WHERE id = p_request_id;
  IF req.status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is closed: its redactions no longer change', req.reference
      USING ERRCODE = 'CS002';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('record_redactions:' || p_request_id));
END $$;
REVOKE EXECUTE ON FUNCTION record_redaction_request_open(bigint) FROM PUBLIC;

CREATE FUNCTION record_redaction_may_apply() RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT caller_is_one_of(ARRAY['custodian_redactor', 'custodian_admin'])
$$;
REVOKE EXECUTE ON FUNCTION record_redaction_may_apply() FROM PUBLIC;

-- Marks a box on page @p_page (from 1) of document @p_document_id: applied
-- at once when @p_apply (the redaction right), else proposed.  @p_source:
-- 'box', 'text' or 'proposal'.  Returns the new redaction's id.
CREATE FUNCTION record_redaction_add(p_document_id bigint, p_page integer,
                                     p_x double precision, p_y double precision,
                                     p_width double precision, p_height double precision,
                                     p_reason text, p_reason_text text, p_source text,
                                     p_apply boolean)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  doc record_documents;
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk marks redactions'
      USING ERRCODE = '42501';
  END IF;
  IF p_apply AND NOT record_redaction_may_apply() THEN
    RAISE EXCEPTION 'applying a redaction takes the redaction right (custodian_redactor); propose it instead'
      USING ERRCODE = '42501';
  END IF;
  SELECT * INTO doc FROM record_documents WHERE id = p_document_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no record document %', p_document_id USING ERRCODE = 'CS004';
  END IF;
  PERFORM record_redaction_request_open(doc.request_id);
  IF p_page IS NULL OR p_page < 1 OR p_page > doc.page_count THEN
    RAISE EXCEPTION 'document % has pages 1 to %, not %', doc.id, doc.page_count, p_page
      USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO record_redactions (request_id, document_id, page, x, y, width, height,
                                 reason, reason_text, source, state, decided_by, decided_at)
  VALUES (doc.request_id, doc.id, p_page, p_x, p_y, p_width, p_height,
          p_reason::withholding_reason, NULLIF(btrim(p_reason_text), ''), p_source,
          CASE WHEN p_apply THEN 'applied' ELSE 'proposed' END,
          CASE WHEN p_apply THEN session_user END,
          CASE WHEN p_apply THEN now() END)
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION record_redaction_add(bigint, integer, double precision, double precision,
  double precision, double precision, text, text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_redaction_add(bigint, integer, double precision, double precision,
  double precision, double precision, text, text, text, boolean) TO custodian_clerk, custodian_admin;

-- Accepts (@p_apply) or rejects a proposed redaction.
CREATE FUNCTION record_redaction_decide(p_id bigint, p_apply boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r record_redactions;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk decides redactions'
      USING ERRCODE = '42501';
  END IF;
  SELECT * INTO r FROM record_redactions WHERE id = p_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no redaction %', p_id USING ERRCODE = 'CS004';
  END IF;
  IF NOT record_redaction_may_apply() THEN
    RAISE EXCEPTION 'deciding a proposed redaction takes the redaction right (custodian_redactor)'
      USING ERRCODE = '42501';
  END IF;
  PERFORM record_redaction_request_open(r.request_id);
  IF r.state <> 'proposed' THEN
    RAISE EXCEPTION 'redaction % is %, not proposed', p_id, r.state USING ERRCODE = 'CS004';
  END IF;
  UPDATE record_redactions
     SET state = CASE WHEN p_apply THEN 'applied' ELSE 'rejected' END,
         decided_by = session_user, decided_at = now()
   WHERE id = p_id;
END $$;
REVOKE EXECUTE ON FUNCTION record_redaction_decide(bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_redaction_decide(bigint, boolean) TO custodian_clerk, custodian_admin;

-- Undoes a redaction before release: it stays on record as removed.
CREATE FUNCTION record_redaction_remove(p_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r record_redactions;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk removes redactions'
      USING ERRCODE = '42501';
  END IF;
  SELECT * INTO r FROM record_redactions WHERE id = p_id;
  IF NOT FOUND OR r.state IN ('removed', 'rejected') THEN
    RAISE EXCEPTION 'no redaction % to remove', p_id USING ERRCODE = 'CS004';
  END IF;
  IF NOT record_redaction_may_apply()
     AND NOT (r.state = 'proposed' AND r.proposed_by = session_user) THEN
    RAISE EXCEPTION 'removing a redaction takes the redaction right (custodian_redactor)'
      USING ERRCODE = '42501';
  END IF;
  PERFORM record_redaction_request_open(r.request_id);
  UPDATE record_redactions SET state = 'removed', decided_by = session_user, decided_at = now()
   WHERE id = p_id;
END $$;
REVOKE EXECUTE ON FUNCTION record_redaction_remove(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_redaction_remove(bigint) TO custodian_clerk, custodian_admin;

-- ---- the proof ------------------------------------------------------------

-- Records the read-back of build @p_build_id: which redactions it burned,
-- how many pages it rebuilt, and the first packet page that still showed
-- redacted text (NULL: none did).
CREATE FUNCTION record_redaction_proved(p_build_id bigint, p_redaction_ids bigint[],
                                        p_redacted_pages integer, p_failed_page integer)
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
                                       passed, failed_page)
  VALUES (b.id, b.request_id, ARRAY(SELECT DISTINCT unnest(p_redaction_ids) ORDER BY 1),
          p_redacted_pages, p_failed_page IS NULL, p_failed_page);
END $$;
REVOKE EXECUTE ON FUNCTION record_redaction_proved(bigint, bigint[], integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_redaction_proved(bigint, bigint[], integer, integer)
  TO custodian_clerk, custodian_admin;

-- ---- release waits for the proof ----------------------------------------

CREATE FUNCTION record_redaction_release_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  applied bigint[];
  last_build bigint;
  proof record_redaction_proofs;
BEGIN
  applied := ARRAY(SELECT id FROM record_redactions
                    WHERE request_id = NEW.id AND state = 'applied' ORDER BY id);
  IF cardinality(applied) = 0 THEN
    RETURN NEW;
  END IF;
  SELECT max(id) INTO last_build FROM record_packet_builds WHERE request_id = NEW.id;
  SELECT * INTO proof FROM record_redaction_proofs WHERE build_id = last_build;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'request % has redactions: build the packet, whose read-back proves them, before it is released',
      NEW.reference USING ERRCODE = 'CS001';
  END IF;
  IF proof.redaction_ids IS DISTINCT FROM applied THEN
    RAISE EXCEPTION 'request %: the redactions changed since the packet was last built; build it again',
      NEW.reference USING ERRCODE = 'CS001';
  END IF;
  IF NOT proof.passed THEN
    RAISE EXCEPTION 'request %: the redaction check failed, page % of the packet still shows redacted text',
      NEW.reference, proof.failed_page USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION record_redaction_release_check() FROM PUBLIC;
CREATE TRIGGER record_redaction_release_check BEFORE UPDATE OF status ON roi_requests
  FOR EACH ROW WHEN (NEW.status = 'released' AND OLD.status IS DISTINCT FROM 'released')
  EXECUTE FUNCTION record_redaction_release_check();
