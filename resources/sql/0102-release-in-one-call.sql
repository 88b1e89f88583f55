-- 0102: the release in one call (issue 24, "release off the lock").
--
-- WHY
--   A release made about fifteen round trips to the server: a snapshot to
--   read what its documents are made from, then BEGIN, one
--   document_record() per document, a look at the invoices, the release
--   function, the request read back, COMMIT.  With 50 clerks on two cores
--   every round trip is a wait for the scheduler on both sides, and the
--   release's p99 was three to four times an edit's.  The documents are
--   made before the clerk confirms (cst_release_prepare(), when a ready
--   request is opened); what remains is one call, sent with the request's
--   read-back in one pipeline: one round trip.
--
-- WHAT THE CALL CHECKS
--   release_inputs() is a digest of everything on the server that the
--   release's documents are made from besides the request itself (whose
--   version release_request() checks): the current cover-letter and
--   invoice templates of the language, the parts withheld, the facility's
--   letterhead and the request's invoices.  The client reads it in the
--   same snapshot it makes the documents from; the call compares it
--   before writing anything ('stale': the client makes the documents
--   again) and once more after recording them, when it waited for a lock
--   meanwhile (a conflict: nothing is written).  Before, a part withheld
--   or a letterhead changed between the documents' snapshot and the
--   release went out unnoticed; now the letter always says what is on
--   record when the release commits.
--
-- WHO MAY RUN IT
--   release_with_documents is SECURITY INVOKER: it reads as the caller and
--   writes only through document_record() and release_request(), whose
--   own checks (0057, 0068, 0074) are unchanged: every rule of the
--   release holds exactly as when the client called them one by one.

-- The digest of what a release's documents are made from, as the caller
-- sees it.  The letterhead is the facility's name, address, phone and pay
-- text and link, the columns a document prints (not the counters).
CREATE FUNCTION release_inputs(p_request_id bigint, p_language text) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT encode(sha256(convert_to(json_build_array(
    (SELECT json_agg(t.id ORDER BY t.kind)
       FROM (SELECT DISTINCT ON (kind) id, kind FROM document_templates
              WHERE language = p_language AND kind IN ('cover-letter', 'invoice')
              ORDER BY kind, version DESC) t),
    (SELECT json_agg(json_build_array(w.id, w.reason, w.description, w.recorded_by) ORDER BY w.id)
       FROM release_withholdings w WHERE w.request_id = p_request_id),
    (SELECT json_build_array(f.name, f.address, f.phone, f.pay_text, f.pay_link)
       FROM facilities f
      WHERE f.id = (SELECT facility_id FROM roi_requests WHERE id = p_request_id)),
    (SELECT json_build_array(count(*), max(id)) FROM invoices WHERE request_id = p_request_id)
  )::text, 'UTF8')), 'hex')
$$;
REVOKE EXECUTE ON FUNCTION release_inputs(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION release_inputs(bigint, text) TO custodian_clerk, custodian_admin;

-- Releases @p_request_id at @p_version with the documents made from
-- @p_inputs (release_inputs() when they were made): records them and
-- calls release_request(), in the caller's transaction.
--   outcome 'released': done, disclosure is the new row's id;
--   'moved': the request is gone, closed or at another version; nothing
--     written (the client says why);
--   'stale': what the documents are made from changed since; nothing
--     written (the client makes them again).
-- p_invoice and its template and pages are NULL when no invoice was issued.
CREATE FUNCTION release_with_documents(p_request_id bigint,
                                       p_version integer,
                                       p_language text,
                                       p_inputs text,
                                       p_letter_template bigint,
                                       p_letter_pages integer,
                                       p_letter bytea,
                                       p_invoice_template bigint,
                                       p_invoice_pages integer,
                                       p_invoice bytea,
                                       p_default_description text,
                                       p_default_purpose text,
                                       OUT outcome text,
                                       OUT disclosure bigint)
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  documents bigint[];
BEGIN
  -- Not locked here: release_request() locks the request when it writes,
  -- as before, so an invoice being issued (which shares that lock) never
  -- waits on a release still recording its documents.
  PERFORM 1 FROM roi_requests
    WHERE id = p_request_id AND version = p_version
      AND status NOT IN ('released', 'denied', 'cancelled');
  IF NOT FOUND THEN
    outcome := 'moved';
    RETURN;
  END IF;
  IF release_inputs(p_request_id, p_language) IS DISTINCT FROM p_inputs THEN
    outcome := 'stale';
    RETURN;
  END IF;

  documents := ARRAY[document_record(p_request_id, p_letter_template, p_letter_pages, p_letter)];
  IF p_invoice IS NOT NULL THEN
    documents := documents
                 || document_record(p_request_id, p_invoice_template, p_invoice_pages, p_invoice);
  END IF;
  -- Recording may have waited for a lock (a template being saved, an
  -- invoice being issued): what changed meanwhile is a conflict, as a
  -- version moved is.
  IF release_inputs(p_request_id, p_language) IS DISTINCT FROM p_inputs THEN
    RAISE EXCEPTION 'what request % is released with changed while it was being released; release it again',
      p_request_id USING ERRCODE = 'CS006';
  END IF;

  disclosure := release_request(p_request_id, p_version, p_language, documents,
                                p_default_description, p_default_purpose);
  IF disclosure IS NULL THEN
    RAISE EXCEPTION 'request % changed while it was being released', p_request_id
      USING ERRCODE = 'CS006';
  END IF;
  outcome := 'released';
END $$;
REVOKE EXECUTE ON FUNCTION release_with_documents(bigint, integer, text, text, bigint, integer, bytea,
                                                  bigint, integer, bytea, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION release_with_documents(bigint, integer, text, text, bigint, integer, bytea,
                                                 bigint, integer, bytea, text, text)
  TO custodian_clerk, custodian_admin;
