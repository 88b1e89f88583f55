-- 0074: the packet kept (issue 18, "the packet is kept"; issue 20, "send
-- the approved packet").
--
-- WHY KEEP IT (and not rebuild it)
--   Until now the packet was rebuilt byte for byte from what is stored.
--   That stopped holding once the letters went into the packet: a rebuild
--   on a later day, after a new template version, or with Bates numbers
--   (handed out once) gives other bytes.  So every build now keeps its
--   bytes, in the same transaction that records it, and what a reviewer
--   approved, what the release records and what a delivery sends are those
--   bytes: nothing is built again to send it.
--
-- WHERE THE BYTES GO
--   In the record content store of 0062 (record_contents and its 1 MiB
--   chunk rows): the same streaming with a bounded buffer, the same grants
--   and row-level security, the same append-only triggers, and the same
--   content stored once (two builds with the same bytes share one
--   content).  record_packet_contents links a build to its content; the
--   packet's SHA-256 is the build's (the client's word, as for a record
--   file: PostgreSQL has no streaming SHA-256), its chunk digest and size
--   the server's.
--   The cost: every build is kept, also the ones never sent to review.
--   Nothing is deleted (the store is append-only); see DESIGN.md.
--
-- WHAT THE RELEASE RECORDS
--   release_request() (replaced here, the only slice that does) keeps
--   every check of 0057 and 0068 and refuses a packet whose bytes were not
--   kept; the disclosure records the kept content (packet_content_id).
--   Its checks now live in functions of their own (release_check_arguments,
--   release_check_letters, release_approved_packet) so that the next
--   change replaces one of them, not the whole release.
--
-- WHAT A DELIVERY SENDS
--   packet_to_send(): the released packet, or before the release the
--   packet a second person approved, still current and kept.  A delivery
--   (0070) records that build or is refused, by a trigger of this file on
--   packet_deliveries (every path, every role).
--
-- WHO MAY RUN WHAT (owner-rights functions; caller_is_one_of inside)
--   record_packet_keep_begin, record_packet_kept   custodian_clerk, custodian_admin
--   Every role that reads builds reads record_packet_contents; the bytes
--   themselves are read like record bytes (clerk, auditor, admin).

CREATE TABLE record_packet_contents (
  build_id    bigint PRIMARY KEY REFERENCES record_packet_builds,
  content_id  bigint NOT NULL REFERENCES record_contents,
  kept_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_packet_contents_content_idx ON record_packet_contents (content_id);

CREATE TRIGGER record_packet_contents_append_only BEFORE UPDATE OR DELETE ON record_packet_contents
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER record_packet_contents_audit AFTER INSERT ON record_packet_contents
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON record_packet_contents
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
ALTER TABLE record_packet_contents ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_packet_contents_read ON record_packet_contents FOR SELECT USING (true);

ALTER TABLE disclosures
  ADD COLUMN packet_content_id bigint REFERENCES record_contents;

-- ---- keeping a build's bytes --------------------------------------------

-- Seals the caller's upload @upload as the content whose SHA-256 is
-- @p_sha256, or, when that content is stored already, drops the upload;
-- returns the stored content's id.  (record_document_add of 0062 seals
-- the same way, inline.)
CREATE FUNCTION record_upload_seal(upload record_contents, p_sha256 text) RETURNS bigint
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  digest text;
  total bigint;
  n_chunks integer;
  stored bigint;
BEGIN
  SELECT encode(sha256(string_agg(sha256, ''::bytea ORDER BY seq)), 'hex'),
         sum(octet_length(data)), count(*)
    INTO digest, total, n_chunks
    FROM record_content_chunks WHERE content_id = upload.id;
  IF n_chunks = 0 THEN
    RAISE EXCEPTION 'kept content has bytes' USING ERRCODE = 'CS004';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('record_contents:' || digest));
  SELECT id INTO stored FROM record_contents
   WHERE sealed AND sha256 = p_sha256 AND chunk_digest = digest AND byte_count = total;
  IF FOUND THEN
    DELETE FROM record_content_chunks WHERE content_id = upload.id;
    DELETE FROM record_contents WHERE id = upload.id;
    RETURN stored;
  END IF;
  UPDATE record_contents
     SET sealed = true, sha256 = p_sha256, chunk_digest = digest,
         byte_count = total, chunk_count = n_chunks
   WHERE id = upload.id;
  RETURN upload.id;
END $$;
REVOKE EXECUTE ON FUNCTION record_upload_seal(record_contents, text) FROM PUBLIC;

-- The build @p_build_id, the caller's own and not kept yet, or an
-- exception (the caller's role is checked by the functions that call it).
CREATE FUNCTION record_packet_build_to_keep(p_build_id bigint) RETURNS record_packet_builds
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  build record_packet_builds;
BEGIN
  SELECT * INTO build FROM record_packet_builds WHERE id = p_build_id;
  IF NOT FOUND OR build.built_by <> session_user THEN
    RAISE EXCEPTION 'a packet''s bytes are kept by whoever built it' USING ERRCODE = 'CS004';
  END IF;
  IF EXISTS (SELECT 1 FROM record_packet_contents WHERE build_id = p_build_id) THEN
    RAISE EXCEPTION 'the packet of build % is kept already', p_build_id USING ERRCODE = 'CS005';
  END IF;
  RETURN build;
END $$;
REVOKE EXECUTE ON FUNCTION record_packet_build_to_keep(bigint) FROM PUBLIC;

-- Begins the upload of build @p_build_id's bytes (then record_upload_append
-- of 0062, chunk by chunk); returns the upload's id.
CREATE FUNCTION record_packet_keep_begin(p_build_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  build record_packet_builds;
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators build packets'
      USING ERRCODE = '42501';
  END IF;
  build := record_packet_build_to_keep(p_build_id);
  INSERT INTO record_contents (request_id) VALUES (build.request_id) RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION record_packet_keep_begin(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_packet_keep_begin(bigint) TO custodian_clerk, custodian_admin;

-- Seals the upload @p_upload_id as the bytes of build @p_build_id (under
-- the build's SHA-256) and keeps them with it.  Returns the content's id.
CREATE FUNCTION record_packet_kept(p_build_id bigint, p_upload_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  build record_packet_builds;
  upload record_contents;
  stored bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators build packets'
      USING ERRCODE = '42501';
  END IF;
  build := record_packet_build_to_keep(p_build_id);
  upload := record_upload_own(p_upload_id);
  IF upload.request_id <> build.request_id THEN
    RAISE EXCEPTION 'a packet is kept with its own request' USING ERRCODE = 'CS004';
  END IF;
  stored := record_upload_seal(upload, build.sha256);
  INSERT INTO record_packet_contents (build_id, content_id) VALUES (p_build_id, stored);
  RETURN stored;
END $$;
REVOKE EXECUTE ON FUNCTION record_packet_kept(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_packet_kept(bigint, bigint) TO custodian_clerk, custodian_admin;

-- ---- what is sent -------------------------------------------------------

-- The packet request @p_request_id sends: the one it released or, before
-- its release, the one a second person approved, still current, with its
-- bytes kept.  No row when there is none.
CREATE FUNCTION packet_to_send(p_request_id bigint,
                               OUT build_id bigint, OUT content_id bigint, OUT sha256 text,
                               OUT page_count integer, OUT record_pages integer,
                               OUT released boolean)
RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  (SELECT b.id, k.content_id, b.sha256, b.page_count, b.record_pages, true
     FROM disclosures d
     JOIN record_packet_builds b ON b.id = d.packet_build_id
     JOIN record_packet_contents k ON k.build_id = b.id
    WHERE d.request_id = p_request_id
    ORDER BY d.id DESC LIMIT 1)
  UNION ALL
  (SELECT b.id, k.content_id, b.sha256, b.page_count, b.record_pages, false
     FROM packet_reviews r
     JOIN record_packet_builds b ON b.id = r.build_id
     JOIN record_packet_contents k ON k.build_id = b.id
    WHERE r.id = (packet_review_last(p_request_id)).id
      AND r.state = 'approved' AND packet_review_is_current(r)
      AND NOT EXISTS (SELECT 1 FROM disclosures d
                       WHERE d.request_id = p_request_id AND d.packet_build_id IS NOT NULL))
$$;

-- A delivery sends the packet the request sends (packet_to_send), nothing
-- built for the occasion: every path, every role.
CREATE FUNCTION packet_delivery_sends_kept() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM packet_to_send(NEW.request_id) s WHERE s.build_id = NEW.build_id) THEN
    RAISE EXCEPTION 'a delivery sends the packet that was approved or released, not build %',
      NEW.build_id USING ERRCODE = 'CS001';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION packet_delivery_sends_kept() FROM PUBLIC;
CREATE TRIGGER packet_deliveries_send_kept BEFORE INSERT ON packet_deliveries
  FOR EACH ROW EXECUTE FUNCTION packet_delivery_sends_kept();

-- ---- the release, its checks in functions of their own -------------------

-- An earlier day only by an administrator with a reason, and at most the
-- cover letter and the invoice sent with the release.
CREATE FUNCTION release_check_arguments(p_documents bigint[], p_backdate_to date,
                                        p_backdate_reason text) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  max_documents CONSTANT integer := 2;   -- the cover letter and the invoice
BEGIN
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
END $$;
REVOKE EXECUTE ON FUNCTION release_check_arguments(bigint[], date, text) FROM PUBLIC;

-- The letters sent: listed, made for @req in this transaction from the
-- current template in @p_language, one cover letter and the invoice when
-- one was issued.
CREATE FUNCTION release_check_letters(req roi_requests, p_documents bigint[], p_language text)
RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  doc record;
  kinds text[] := '{}';
BEGIN
  IF p_documents IS NULL OR cardinality(p_documents) = 0 THEN
    RAISE EXCEPTION 'a release lists the documents it sent' USING ERRCODE = 'CS004';
  END IF;
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
END $$;
REVOKE EXECUTE ON FUNCTION release_check_letters(roi_requests, bigint[], text) FROM PUBLIC;

-- The review whose packet @req releases: approved by a second person,
-- unchanged since, its bytes kept.  A row of NULLs for a request without
-- record documents.
CREATE FUNCTION release_approved_packet(req roi_requests) RETURNS packet_reviews
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  review packet_reviews;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM record_documents WHERE request_id = req.id) THEN
    RETURN review;
  END IF;
  review := packet_review_last(req.id);
  IF review.state IS DISTINCT FROM 'approved' THEN
    RAISE EXCEPTION 'request % is released only with its packet approved by a second person',
      req.reference USING ERRCODE = 'CS001';
  END IF;
  IF NOT packet_review_is_current(review) THEN
    RAISE EXCEPTION 'the packet of request % changed after it was approved: build it and check it again',
      req.reference USING ERRCODE = 'CS001';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM record_packet_contents WHERE build_id = review.build_id) THEN
    RAISE EXCEPTION 'the approved packet of request % was not kept: build it and check it again',
      req.reference USING ERRCODE = 'CS001';
  END IF;
  RETURN review;
END $$;
REVOKE EXECUTE ON FUNCTION release_approved_packet(roi_requests) FROM PUBLIC;

-- 0068's release, every check kept (now in the functions above); the
-- disclosure also records the kept packet's content.
CREATE OR REPLACE FUNCTION release_request(p_request_id bigint,
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
SET TimeZone = 'UTC' AS $$
DECLARE
  req roi_requests;
  who requesters;
  individual boolean;
  disclosed date := current_date;
  disclosure bigint;
  details jsonb;
  review packet_reviews;
  packet record_packet_builds;
  kept bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk may release a request'
      USING ERRCODE = '42501';
  END IF;
  PERFORM release_check_arguments(p_documents, p_backdate_to, p_backdate_reason);

  SELECT * INTO req FROM roi_requests WHERE id = p_request_id FOR UPDATE;
  IF NOT FOUND OR req.version <> p_version
     OR req.status IN ('released', 'denied', 'cancelled') THEN
    RETURN NULL;
  END IF;
  IF p_backdate_to IS NOT NULL THEN
    IF p_backdate_to < req.received_date OR p_backdate_to > current_date THEN
      RAISE EXCEPTION 'request % can be recorded as released between % and today, not on %',
        req.reference, req.received_date, p_backdate_to USING ERRCODE = 'CS004';
    END IF;
    disclosed := p_backdate_to;
  END IF;
  SELECT * INTO who FROM requesters WHERE id = req.requester_id;
  PERFORM release_check_letters(req, p_documents, p_language);

  -- The records: only the packet a second person approved, as it was
  -- then, and its bytes as they were kept.
  review := release_approved_packet(req);
  IF review.id IS NOT NULL THEN
    SELECT * INTO packet FROM record_packet_builds WHERE id = review.build_id;
    SELECT content_id INTO kept FROM record_packet_contents WHERE build_id = packet.id;
  END IF;

  -- The status trigger checks the move (only from ready) and everything
  -- else a release must satisfy, such as an unexpired authorization.
  UPDATE roi_requests SET status = 'released' WHERE id = req.id;

  individual := who.kind IN ('patient', 'personal_representative');
  INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,
                           recipient_address, phi_description, purpose_statement,
                           accountable, legal_basis, packet_build_id, packet_review_id,
                           packet_sha256, packet_pages, packet_documents, packet_content_id)
  VALUES (req.patient_id, req.id, disclosed,
          CASE WHEN COALESCE(who.organization, '') <> ''
               THEN who.name || ', ' || who.organization ELSE who.name END,
          NULLIF(btrim(who.address), ''),
          COALESCE(NULLIF(array_to_string(req.record_types, ', '), ''), p_default_description),
          CASE WHEN req.purpose <> '' THEN req.purpose ELSE p_default_purpose END,
          NOT individual AND NOT req.authorization_on_file,
          CASE WHEN individual THEN '164.524'
               WHEN req.authorization_on_file THEN '164.508' ELSE '164.512' END,
          packet.id, review.id, packet.sha256, packet.page_count,
          CASE WHEN packet.id IS NOT NULL THEN packet_build_documents(packet) END, kept)
  RETURNING id INTO disclosure;

  details := jsonb_build_object('request', req.id, 'disclosure', disclosure,
                                'documents', to_jsonb(p_documents), 'disclosed_on', disclosed);
  IF packet.id IS NOT NULL THEN
    details := details || jsonb_build_object('packet', packet.sha256, 'packet_pages', packet.page_count,
                                             'packet_build', packet.id, 'packet_review', review.id,
                                             'packet_content', kept);
  END IF;
  IF p_backdate_to IS NOT NULL THEN
    details := details || jsonb_build_object('recorded_on', current_date,
                                             'reason', btrim(p_backdate_reason));
  END IF;
  PERFORM audit_event(CASE WHEN p_backdate_to IS NULL THEN 'request.released'
                           ELSE 'request.released_backdated' END, details);
  RETURN disclosure;
END $$;
