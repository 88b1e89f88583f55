-- Releasing a request as one logged operation that runs as the owner.
--
-- A release crosses tables a clerk should not write at will: it closes the
-- request as released, adds a row to the accounting of disclosures
-- (45 CFR 164.528) and records the letters and the invoice it sent.  A
-- clerk with INSERT on disclosures could log a disclosure that never
-- happened, or release without logging one; a clerk who could set the
-- status to released directly could skip the disclosure and the letters.
-- So both are taken away below, and release_request() does all of it in
-- the caller's transaction: everything, or (on any error) nothing.
--
-- The PDFs are made by the application (libharu) before the call; the
-- function records which template versions they used and their SHA-256,
-- and refuses a release without a cover letter, or without the invoice
-- when one was issued.  The disclosure row is derived here from the stored
-- request and requester, never from what the client says, so its
-- accountability (164.528(a)(1)) cannot be talked down.  Only the wording
-- used when the request names no record types or purpose comes from the
-- caller, in the clerk's language.
--
-- Returns the disclosure's id, or NULL when nothing was changed because
-- the request is gone, closed, or at another version than p_version (the
-- caller explains which, as for any missed versioned UPDATE).

CREATE FUNCTION release_request(p_request_id bigint,
                                p_version integer,
                                p_disclosed_on date,
                                p_documents jsonb,
                                p_default_description text,
                                p_default_purpose text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  req roi_requests;
  who requesters;
  doc jsonb;
  doc_kind text;
  kinds text[] := '{}';
  individual boolean;
  disclosure bigint;
BEGIN
  -- EXECUTE is granted to clerks and administrators only; check again
  -- here, against the person's own login, in case a grant is ever widened.
  IF NOT (pg_has_role(session_user, 'custodian_clerk', 'MEMBER')
          OR pg_has_role(session_user, 'custodian_admin', 'MEMBER')) THEN
    RAISE EXCEPTION 'only the release-of-information desk may release a request'
      USING ERRCODE = '42501';
  END IF;
  IF p_documents IS NULL OR jsonb_typeof(p_documents) <> 'array' THEN
    RAISE EXCEPTION 'a release lists the documents it sent' USING ERRCODE = 'CS004';
  END IF;

  SELECT * INTO req FROM roi_requests WHERE id = p_request_id FOR UPDATE;
  IF NOT FOUND OR req.version <> p_version
     OR req.status IN ('released', 'denied', 'cancelled') THEN
    RETURN NULL;
  END IF;
  SELECT * INTO who FROM requesters WHERE id = req.requester_id;

  -- The status trigger checks the move (only from ready) and everything
  -- else a release must satisfy, such as an unexpired authorization.
  UPDATE roi_requests SET status = 'released' WHERE id = req.id;

  individual := who.kind IN ('patient', 'personal_representative');
  INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,
                           recipient_address, phi_description, purpose_statement,
                           accountable, legal_basis)
  VALUES (req.patient_id, req.id, COALESCE(p_disclosed_on, current_date),
          CASE WHEN COALESCE(who.organization, '') <> ''
               THEN who.name || ', ' || who.organization ELSE who.name END,
          NULLIF(btrim(who.address), ''),
          COALESCE(NULLIF(array_to_string(req.record_types, ', '), ''), p_default_description),
          CASE WHEN req.purpose <> '' THEN req.purpose ELSE p_default_purpose END,
          NOT individual AND NOT req.authorization_on_file,
          CASE WHEN individual THEN '164.524'
               WHEN req.authorization_on_file THEN '164.508' ELSE '164.512' END)
  RETURNING id INTO disclosure;

  FOR doc IN SELECT value FROM jsonb_array_elements(p_documents) LOOP
    SELECT t.kind INTO doc_kind FROM document_templates t
     WHERE t.id = (doc->>'template_id')::bigint;
    IF doc_kind IS NULL OR doc_kind NOT IN ('cover-letter', 'invoice') THEN
      RAISE EXCEPTION 'a release sends a cover letter and the invoice, made from stored templates'
        USING ERRCODE = 'CS004';
    END IF;
    INSERT INTO rendered_documents (request_id, template_id, page_count, sha256)
    VALUES (req.id, (doc->>'template_id')::bigint, (doc->>'page_count')::integer,
            doc->>'sha256');
    kinds := kinds || doc_kind;
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

  PERFORM audit_event('request.released',
                      jsonb_build_object('request', req.id, 'disclosure', disclosure,
                                         'documents', jsonb_array_length(p_documents)));
  RETURN disclosure;
END $$;
REVOKE EXECUTE ON FUNCTION release_request(bigint, integer, date, jsonb, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION release_request(bigint, integer, date, jsonb, text, text)
  TO custodian_clerk, custodian_admin;

-- The release function is now the only way for an application role to
-- log a disclosure or to close a request as released.  Owners (migrations,
-- the demo data) bypass row security as before.
REVOKE INSERT ON disclosures FROM custodian_clerk;
ALTER POLICY roi_requests_change_open ON roi_requests
  WITH CHECK (status <> 'released');
