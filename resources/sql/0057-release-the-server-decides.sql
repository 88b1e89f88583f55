-- Owner-rights functions that do not trust the client (issue 25).
--
-- WHO MAY RUN WHAT
--   Every SECURITY DEFINER function a person can call names the group roles
--   that may run it twice: in its grants (EXECUTE revoked from PUBLIC) and
--   inside, against the person's own login (caller_is_one_of), so a grant
--   widened by mistake opens nothing.  The owner itself (migrations, the
--   demo data, set-up) always may: inside such a function current_user is
--   the owner, so "session_user is a member of current_user" means exactly
--   that.
--     release_request                    custodian_clerk, custodian_admin
--                                        (the back-dating arguments: admin)
--     document_record                    custodian_clerk, custodian_billing,
--                                        custodian_admin
--     document_template_install_default  custodian_admin (and db migrate)
--     audit_chain_link_pending           all four roles
--     audit_chain_link_visible           nobody directly: the commit trigger
--                                        and audit_chain_link_pending, for
--                                        the four roles
--   The trigger functions (audit_row_change, audit_log_queue_for_chain,
--   audit_chain_link_trigger) cannot be called at all, only fired: who runs
--   them is who may write the tables they watch, which the table grants
--   decide.  They lose EXECUTE for PUBLIC all the same.
--   audit_event and the invoice functions are 0058's.
--
-- THE SHIPPED TEMPLATES
--   Custodian's own wording of each document (resources/seed/
--   document-templates-*.ini) was installed as version 1 the first time
--   anyone made that document, by whoever came first: a read-only auditor
--   could install a template of their own making as the hospital's letter.
--   Now `db migrate` installs every shipped kind and language as the owner
--   (cst_document_repo_install_shipped, after the migrations), and only an
--   administrator, who may write templates anyway, may still call the
--   function.
--
-- WHAT A RELEASE RECORDS
--   The disclosure date is the server's today, in UTC like every session
--   of the app; only an administrator may give an earlier one, with a
--   reason, as a correction that the audit log names as such.  The
--   documents a release sent are rows recorded by document_record() in the
--   same transaction, for this request, from the current template version
--   of their kind in the release's language, with the size and SHA-256 of
--   the bytes the server itself received: the client names rows, not
--   digests.  A release sends a cover letter and at most one invoice.
--
--   rendered_documents is written only by document_record() (and by the
--   owner): no role inserts into it directly, and nothing is recorded for a
--   closed request, so no provenance can be added after the fact.

-- ---- who may run an owner-rights function --------------------------------

-- True when the person logged in (session_user) is a member of one of
-- @roles, or is the owner of the calling SECURITY DEFINER function.
-- SECURITY INVOKER on purpose: called from an owner-rights function it
-- sees current_user = the owner.
CREATE FUNCTION caller_is_one_of(roles text[]) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT pg_has_role(session_user, current_user, 'MEMBER')
      OR EXISTS (SELECT 1 FROM unnest(roles) AS r(name)
                  WHERE pg_has_role(session_user, r.name, 'MEMBER'))
$$;
REVOKE EXECUTE ON FUNCTION caller_is_one_of(text[]) FROM PUBLIC;

REVOKE EXECUTE ON FUNCTION audit_row_change() FROM PUBLIC;

-- 0051's bodies, each with its list of roles checked first.
CREATE OR REPLACE FUNCTION audit_chain_link_visible(wait boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp
SET custodian.audit_linking = 'on' AS $$
DECLARE
  r audit_log;
  head audit_chain_head;
  next_seq bigint;
  last_hash bytea;
  queued bigint[];
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing',
                                'custodian_auditor', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only Custodian''s roles link the audit chain' USING ERRCODE = '42501';
  END IF;
  IF wait THEN
    SELECT * INTO head FROM audit_chain_head FOR UPDATE;
  ELSE
    SELECT * INTO head FROM audit_chain_head FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      RETURN -1;
    END IF;
  END IF;
  next_seq := head.seq;
  last_hash := head.hash;
  WITH taken AS (DELETE FROM audit_chain_pending RETURNING audit_id)
  SELECT array_agg(audit_id) INTO queued FROM taken;
  IF queued IS NULL THEN
    RETURN 0;
  END IF;
  FOR r IN SELECT a.* FROM unnest(queued) AS q(id) JOIN audit_log a ON a.id = q.id
            ORDER BY a.id LOOP
    IF r.chain_seq IS NOT NULL THEN
      RAISE EXCEPTION 'audit row % was queued but is linked already', r.id;
    END IF;
    next_seq := next_seq + 1;
    UPDATE audit_log SET chain_seq = next_seq, prev_hash = last_hash,
                         row_hash = sha256(last_hash || audit_chain_payload(next_seq, r))
     WHERE id = r.id
    RETURNING row_hash INTO last_hash;
  END LOOP;
  IF next_seq <> head.seq THEN
    UPDATE audit_chain_head SET seq = next_seq, hash = last_hash;
  END IF;
  RETURN next_seq - head.seq;
END $$;

CREATE OR REPLACE FUNCTION audit_chain_link_pending(wait boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing',
                                'custodian_auditor', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only Custodian''s roles link the audit chain' USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_chain_pending) THEN
    RETURN 0;
  END IF;
  RETURN audit_chain_link_visible(wait);
END $$;

-- ---- the shipped templates ----------------------------------------------

CREATE OR REPLACE FUNCTION document_template_install_default(p_kind text, p_language text,
                                                             p_body text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_admin']) THEN
    RAISE EXCEPTION 'Custodian''s own wording is installed by db migrate, or by an administrator'
      USING ERRCODE = '42501';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('document_templates:' || p_kind || ':' || p_language));
  IF NOT EXISTS (SELECT 1 FROM document_templates
                 WHERE kind = p_kind AND language = p_language) THEN
    INSERT INTO document_templates (kind, language, version, body)
    VALUES (p_kind, p_language, 1, p_body);
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION document_template_install_default(text, text, text)
  FROM custodian_clerk, custodian_billing, custodian_auditor;

-- ---- documents, recorded by the server ----------------------------------

ALTER TABLE rendered_documents
  -- The size of the bytes the server hashed; NULL for rows before 0057,
  -- whose digest the client computed.
  ADD COLUMN byte_count bigint CHECK (byte_count > 0),
  -- The transaction that recorded it, so a release can cite only
  -- documents made in its own transaction; NULL before 0057.
  ADD COLUMN txid bigint;
ALTER TABLE rendered_documents ALTER COLUMN txid SET DEFAULT txid_current();

REVOKE INSERT ON rendered_documents FROM custodian_clerk, custodian_billing, custodian_admin;

-- The current version of a (kind, language), the one documents are made from.
CREATE FUNCTION document_template_is_current(p_template_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM document_templates t
                  WHERE t.id = p_template_id
                    AND t.version = (SELECT max(o.version) FROM document_templates o
                                      WHERE o.kind = t.kind AND o.language = t.language))
$$;

-- Records that a PDF was made for an open request from the current version
-- of a template.  The digest and size are computed here from the bytes
-- themselves.  Returns the new row's id.
CREATE FUNCTION document_record(p_request_id bigint, p_template_id bigint,
                                p_page_count integer, p_pdf bytea)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  req_status roi_status;
  req_reference text;
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk, billing and administrators record documents'
      USING ERRCODE = '42501';
  END IF;
  IF p_pdf IS NULL OR octet_length(p_pdf) > 64 * 1024 * 1024
     OR substring(p_pdf FROM 1 FOR 5) <> '\x255044462d'::bytea THEN
    RAISE EXCEPTION 'a document is recorded from its PDF, of at most 64 MiB' USING ERRCODE = 'CS004';
  END IF;
  IF p_page_count IS NULL OR p_page_count < 1 THEN
    RAISE EXCEPTION 'a document has at least one page' USING ERRCODE = 'CS004';
  END IF;
  SELECT status, reference INTO req_status, req_reference FROM roi_requests WHERE id = p_request_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'a document is recorded for a request that exists' USING ERRCODE = 'CS004';
  END IF;
  IF req_status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is closed: no document is recorded for it now', req_reference
      USING ERRCODE = 'CS002';
  END IF;
  IF NOT document_template_is_current(p_template_id) THEN
    RAISE EXCEPTION 'a document is recorded only when made from the current version of its template'
      USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO rendered_documents (request_id, template_id, page_count, sha256, byte_count, txid)
  VALUES (p_request_id, p_template_id, p_page_count, encode(sha256(p_pdf), 'hex'),
          octet_length(p_pdf), txid_current())
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION document_record(bigint, bigint, integer, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION document_record(bigint, bigint, integer, bytea)
  TO custodian_clerk, custodian_billing, custodian_admin;

-- ---- the release ----------------------------------------------------------

DROP FUNCTION release_request(bigint, integer, date, jsonb, text, text);

-- p_documents: the ids document_record() returned for the cover letter and,
-- when one was issued, the invoice, in this transaction.  p_backdate_to and
-- p_backdate_reason: an administrator's correction of a release that went
-- out earlier than it was recorded; both or neither.
-- Returns the disclosure's id, or NULL when nothing was changed because the
-- request is gone, closed, or at another version than p_version.
CREATE FUNCTION release_request(p_request_id bigint,
                                p_version integer,
                                p_language text,
                                p_documents bigint[],
                                p_default_description text,
                                p_default_purpose text,
                                p_backdate_to date DEFAULT NULL,
                                p_backdate_reason text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp
-- The server's today, whatever time zone the caller's session chose.
SET TimeZone = 'UTC' AS $$
DECLARE
  max_documents CONSTANT integer := 2;   -- the cover letter and the invoice
  req roi_requests;
  who requesters;
  doc record;
  kinds text[] := '{}';
  individual boolean;
  disclosed date := current_date;
  disclosure bigint;
  details jsonb;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk may release a request'
      USING ERRCODE = '42501';
  END IF;
  IF p_backdate_to IS NOT NULL OR p_backdate_reason IS NOT NULL THEN
    IF NOT caller_is_one_of(ARRAY['custodian_admin']) THEN
      RAISE EXCEPTION 'only an administrator may record a release on an earlier day'
        USING ERRCODE = '42501';
    END IF;
    IF p_backdate_to IS NULL OR btrim(COALESCE(p_backdate_reason, '')) = ''
       OR length(p_backdate_reason) > 1000 THEN
      RAISE EXCEPTION 'a release recorded on an earlier day needs the day and the reason'
        USING ERRCODE = 'CS004';
    END IF;
  END IF;
  IF cardinality(p_documents) > max_documents THEN
    RAISE EXCEPTION 'a release sends at most % documents (its cover letter and invoice), not %',
      max_documents, cardinality(p_documents) USING ERRCODE = 'CS004';
  END IF;

  SELECT * INTO req FROM roi_requests WHERE id = p_request_id FOR UPDATE;
  IF NOT FOUND OR req.version <> p_version
     OR req.status IN ('released', 'denied', 'cancelled') THEN
    RETURN NULL;
  END IF;
  IF p_documents IS NULL OR cardinality(p_documents) = 0 THEN
    RAISE EXCEPTION 'a release lists the documents it sent' USING ERRCODE = 'CS004';
  END IF;
  IF p_backdate_to IS NOT NULL THEN
    IF p_backdate_to < req.received_date OR p_backdate_to > current_date THEN
      RAISE EXCEPTION 'request % can be recorded as released between % and today, not on %',
        req.reference, req.received_date, p_backdate_to USING ERRCODE = 'CS004';
    END IF;
    disclosed := p_backdate_to;
  END IF;
  SELECT * INTO who FROM requesters WHERE id = req.requester_id;

  -- Each document: made for this request in this transaction, from the
  -- current version of its kind in the release's language.
  FOR doc IN SELECT d.id, d.request_id, d.txid, t.kind, t.language, t.id AS template_id
               FROM unnest(p_documents) AS p(id)
               LEFT JOIN rendered_documents d ON d.id = p.id
               LEFT JOIN document_templates t ON t.id = d.template_id LOOP
    IF doc.id IS NULL OR doc.request_id IS DISTINCT FROM req.id
       OR doc.txid IS DISTINCT FROM txid_current() THEN
      RAISE EXCEPTION 'a release cites documents recorded for request % in the same transaction',
        req.reference USING ERRCODE = 'CS004';
    END IF;
    IF doc.kind NOT IN ('cover-letter', 'invoice') OR doc.kind = ANY (kinds) THEN
      RAISE EXCEPTION 'a release sends one cover letter and at most one invoice'
        USING ERRCODE = 'CS004';
    END IF;
    IF doc.language IS DISTINCT FROM p_language OR NOT document_template_is_current(doc.template_id) THEN
      RAISE EXCEPTION 'the % of request % is not made from the current template in “%”',
        doc.kind, req.reference, p_language USING ERRCODE = 'CS004';
    END IF;
    kinds := kinds || doc.kind;
  END LOOP;
  IF NOT 'cover-letter' = ANY (kinds) THEN
    RAISE EXCEPTION 'request % cannot be released without its cover letter', req.reference
      USING ERRCODE = 'CS004';
  END IF;
  IF NOT 'invoice' = ANY (kinds) AND EXISTS (
       SELECT 1 FROM invoices WHERE request_id = req.id AND adjusts_invoice_id IS NULL) THEN
    RAISE EXCEPTION 'request % has an invoice, which must go out with the release', req.reference
      USING ERRCODE = 'CS004';
  END IF;

  -- The status trigger checks the move (only from ready) and everything
  -- else a release must satisfy, such as an unexpired authorization.
  UPDATE roi_requests SET status = 'released' WHERE id = req.id;

  individual := who.kind IN ('patient', 'personal_representative');
  INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,
                           recipient_address, phi_description, purpose_statement,
                           accountable, legal_basis)
  VALUES (req.patient_id, req.id, disclosed,
          CASE WHEN COALESCE(who.organization, '') <> ''
               THEN who.name || ', ' || who.organization ELSE who.name END,
          NULLIF(btrim(who.address), ''),
          COALESCE(NULLIF(array_to_string(req.record_types, ', '), ''), p_default_description),
          CASE WHEN req.purpose <> '' THEN req.purpose ELSE p_default_purpose END,
          NOT individual AND NOT req.authorization_on_file,
          CASE WHEN individual THEN '164.524'
               WHEN req.authorization_on_file THEN '164.508' ELSE '164.512' END)
  RETURNING id INTO disclosure;

  details := jsonb_build_object('request', req.id, 'disclosure', disclosure,
                                'documents', to_jsonb(p_documents), 'disclosed_on', disclosed);
  IF p_backdate_to IS NOT NULL THEN
    details := details || jsonb_build_object('recorded_on', current_date,
                                             'reason', btrim(p_backdate_reason));
  END IF;
  PERFORM audit_event(CASE WHEN p_backdate_to IS NULL THEN 'request.released'
                           ELSE 'request.released_backdated' END, details);
  RETURN disclosure;
END $$;
REVOKE EXECUTE ON FUNCTION release_request(bigint, integer, text, bigint[], text, text, date, text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION release_request(bigint, integer, text, bigint[], text, text, date, text)
  TO custodian_clerk, custodian_admin;
