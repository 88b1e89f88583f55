-- 0068: the second person's check, and the release recording the packet
-- (issue 18, packet-review slice).
--
-- THE QUALITY CHECK IS THE PACKET'S REVIEW
--   The workflow already has a quality check (in progress → quality check
--   → ready).  For a request with record documents it is now the review of
--   its packet, not a second notion beside it:
--     - moving the request to quality_check submits its last build, which
--       must carry the documents the request has now (packet_reviews row,
--       state 'submitted');
--     - packet_review_approve() approves it and moves the request to ready;
--       packet_review_return() returns it with a reason and moves the
--       request back to in progress;
--     - leaving the quality check any other way (back to in progress,
--       cancelled) withdraws the review;
--     - quality_check → ready is refused unless the request's last review is
--       approved and still current.
--   A request without record documents keeps the plain step it always had.
--
-- WHO MAY NOT APPROVE
--   The assembler — whoever recorded the build under review — never
--   approves it, whatever their role: the table's own trigger refuses a
--   decision 'approved' whose decider is the build's built_by, so neither a
--   grant nor a function written later can open it.
--
-- UNCHANGED SINCE APPROVAL
--   A review is current while its build is the request's last build and
--   still carries the request's documents (ids and content, in release
--   order), and while the documents' own rows (name, kind, dates, pages,
--   order, content) are what they were when it was submitted
--   (packet_documents_digest).  A new build, a document added, reordered or
--   edited: the approval no longer counts, and the release is refused until
--   the packet is built and checked again.  Nothing is rewritten to say so:
--   the comparison is made each time, so no trigger on another slice's
--   table is needed (a change they record in record_documents or a new
--   build is seen).
--
-- WHAT THE RELEASE RECORDS
--   release_request() keeps every check of 0057 and, when the request has
--   record documents, requires its approved, current review and records on
--   the disclosure the packet's build, SHA-256, page count and documents
--   (id, name, kind, SHA-256, pages, first and last page in the packet).
--   The packet is not kept: it is rebuilt byte for byte from what is stored
--   (the documents' content is append-only, the build deterministic), and
--   a test rebuilds it after the release (DESIGN.md).
--
-- WHO MAY RUN WHAT (owner-rights functions; caller_is_one_of inside)
--   packet_review_approve, packet_review_return   custodian_clerk, custodian_admin
--   packet_review_follow_status (trigger)         fired by a status change
--   Every role reads the reviews; nobody writes them directly.

CREATE TABLE packet_reviews (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id        bigint NOT NULL REFERENCES roi_requests,
  build_id          bigint NOT NULL REFERENCES record_packet_builds,
  documents_digest  text NOT NULL CHECK (documents_digest ~ '^[0-9a-f]{64}$'),
  submitted_by      text NOT NULL DEFAULT session_user,
  submitted_at      timestamptz NOT NULL DEFAULT now(),
  state             text NOT NULL DEFAULT 'submitted'
                    CHECK (state IN ('submitted', 'approved', 'returned', 'withdrawn')),
  decided_by        text,
  decided_at        timestamptz,
  reason            text CHECK (reason IS NULL OR (btrim(reason) <> '' AND length(reason) <= 2000)),
  CHECK ((state = 'submitted') = (decided_by IS NULL)),
  CHECK ((state = 'submitted') = (decided_at IS NULL)),
  CHECK (state <> 'returned' OR reason IS NOT NULL)
);
CREATE INDEX packet_reviews_request_idx ON packet_reviews (request_id, id);

-- A review is decided once, by someone other than its assembler when it
-- is approved; nothing else of it changes and nothing is deleted.
CREATE FUNCTION packet_review_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.state <> 'submitted'
     OR NEW.id <> OLD.id OR NEW.request_id <> OLD.request_id OR NEW.build_id <> OLD.build_id
     OR NEW.documents_digest <> OLD.documents_digest OR NEW.submitted_by <> OLD.submitted_by
     OR NEW.submitted_at <> OLD.submitted_at THEN
    RAISE EXCEPTION 'a packet review is decided once and never changes after'
      USING ERRCODE = 'CS005';
  END IF;
  IF NEW.state = 'approved' AND NEW.decided_by = (SELECT b.built_by FROM record_packet_builds b
                                                    WHERE b.id = NEW.build_id) THEN
    RAISE EXCEPTION 'the packet was assembled by %: a second person approves it', NEW.decided_by
      USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION packet_review_refuse_change() FROM PUBLIC;
CREATE TRIGGER packet_reviews_decided_once BEFORE UPDATE OR DELETE ON packet_reviews
  FOR EACH ROW EXECUTE FUNCTION packet_review_refuse_change();
CREATE TRIGGER packet_reviews_audit AFTER INSERT OR UPDATE ON packet_reviews
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON packet_reviews
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
ALTER TABLE packet_reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY packet_reviews_read ON packet_reviews FOR SELECT USING (true);

-- ---- what "unchanged" compares -----------------------------------------

-- The request's documents as a reviewer sees them, one digest: each row's
-- id, content, place, name, kind, format, dates and pages, in release order.
CREATE FUNCTION packet_documents_digest(p_request_id bigint) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT encode(sha256(convert_to(COALESCE(string_agg(
           concat_ws('|', d.id, c.sha256, d.position, d.name, d.kind, d.format,
                     COALESCE(d.service_from::text, '-'), COALESCE(d.service_to::text, '-'),
                     d.page_count),
           E'\n' ORDER BY d.position), ''), 'UTF8')), 'hex')
    FROM record_documents d JOIN record_contents c ON c.id = d.content_id
   WHERE d.request_id = p_request_id
$$;

-- True when @p_build_id is its request's last build and carries the
-- request's documents as they are now (ids and content, in release order).
CREATE FUNCTION packet_build_is_current(p_build_id bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT COALESCE(bool_and(
           b.id = (SELECT max(l.id) FROM record_packet_builds l WHERE l.request_id = b.request_id)
           AND (SELECT COALESCE(jsonb_agg(jsonb_build_array(e -> 'id', e -> 'sha256') ORDER BY n),
                                '[]'::jsonb)
                  FROM jsonb_array_elements(b.documents) WITH ORDINALITY AS x(e, n))
             = (SELECT COALESCE(jsonb_agg(jsonb_build_array(to_jsonb(d.id), to_jsonb(c.sha256))
                                          ORDER BY d.position), '[]'::jsonb)
                  FROM record_documents d JOIN record_contents c ON c.id = d.content_id
                 WHERE d.request_id = b.request_id)), false)
    FROM record_packet_builds b WHERE b.id = p_build_id
$$;

-- True when @r still describes the request's packet: its build current and
-- the documents' rows as they were when it was submitted.
CREATE FUNCTION packet_review_is_current(r packet_reviews) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT packet_build_is_current(r.build_id)
     AND r.documents_digest = packet_documents_digest(r.request_id)
$$;

-- The request's last review, or a row of NULLs.
CREATE FUNCTION packet_review_last(p_request_id bigint) RETURNS packet_reviews
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT * FROM packet_reviews WHERE request_id = p_request_id ORDER BY id DESC LIMIT 1
$$;

-- ---- the quality check follows the status -------------------------------

CREATE FUNCTION packet_review_follow_status() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  build_id bigint;
  last packet_reviews;
BEGIN
  -- No records: the quality check stays the plain step it always was.
  IF NOT EXISTS (SELECT 1 FROM record_documents WHERE request_id = NEW.id) THEN
    RETURN NULL;
  END IF;
  last := packet_review_last(NEW.id);
  IF NEW.status = 'quality_check' THEN
    SELECT max(id) INTO build_id FROM record_packet_builds WHERE request_id = NEW.id;
    IF build_id IS NULL OR NOT packet_build_is_current(build_id) THEN
      RAISE EXCEPTION 'request % goes to its quality check with its packet built from the documents it has now',
        NEW.reference USING ERRCODE = 'CS001';
    END IF;
    INSERT INTO packet_reviews (request_id, build_id, documents_digest)
    VALUES (NEW.id, build_id, packet_documents_digest(NEW.id));
  ELSIF NEW.status = 'ready' THEN
    IF last.state IS DISTINCT FROM 'approved' OR NOT packet_review_is_current(last) THEN
      RAISE EXCEPTION 'request % is ready when a second person has approved its packet as it is now',
        NEW.reference USING ERRCODE = 'CS001';
    END IF;
  ELSIF last.state = 'submitted' THEN
    -- Back to work, or cancelled, without a decision.
    UPDATE packet_reviews SET state = 'withdrawn', decided_by = session_user, decided_at = now()
     WHERE id = last.id;
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION packet_review_follow_status() FROM PUBLIC;
CREATE TRIGGER roi_requests_packet_review AFTER UPDATE OF status ON roi_requests
  FOR EACH ROW
  WHEN (NEW.status IS DISTINCT FROM OLD.status
        AND (NEW.status = 'quality_check' OR OLD.status = 'quality_check'))
  EXECUTE FUNCTION packet_review_follow_status();

-- The request under review, locked, and its open review; raises otherwise.
CREATE FUNCTION packet_review_open(p_request_id bigint) RETURNS packet_reviews
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  req roi_requests;
  last packet_reviews;
BEGIN
  SELECT * INTO req FROM roi_requests WHERE id = p_request_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  last := packet_review_last(p_request_id);
  IF req.status <> 'quality_check' OR last.state IS DISTINCT FROM 'submitted' THEN
    RAISE EXCEPTION 'request % has no packet waiting for its quality check', req.reference
      USING ERRCODE = 'CS001';
  END IF;
  SELECT * INTO last FROM packet_reviews WHERE id = last.id FOR UPDATE;
  RETURN last;
END $$;
REVOKE EXECUTE ON FUNCTION packet_review_open(bigint) FROM PUBLIC;

-- Approves the packet submitted for @p_request_id's quality check and
-- moves the request to ready.  Refused to the packet's assembler (by the
-- table's trigger), and when the packet changed since it was submitted.
-- Returns the review's id.
CREATE FUNCTION packet_review_approve(p_request_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  review packet_reviews;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators check packets'
      USING ERRCODE = '42501';
  END IF;
  review := packet_review_open(p_request_id);
  IF NOT packet_review_is_current(review) THEN
    RAISE EXCEPTION 'the packet changed after it was sent to its quality check: return it to be built again'
      USING ERRCODE = 'CS001';
  END IF;
  UPDATE packet_reviews SET state = 'approved', decided_by = session_user, decided_at = now()
   WHERE id = review.id;
  UPDATE roi_requests SET status = 'ready' WHERE id = p_request_id;
  PERFORM audit_event('packet.approved',
                      jsonb_build_object('request', p_request_id, 'review', review.id,
                                         'build', review.build_id));
  RETURN review.id;
END $$;
REVOKE EXECUTE ON FUNCTION packet_review_approve(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION packet_review_approve(bigint) TO custodian_clerk, custodian_admin;

-- Returns the packet submitted for @p_request_id's quality check with
-- @p_reason and moves the request back to in progress.  Returns the
-- review's id.
CREATE FUNCTION packet_review_return(p_request_id bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  review packet_reviews;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators check packets'
      USING ERRCODE = '42501';
  END IF;
  IF btrim(COALESCE(p_reason, '')) = '' OR length(p_reason) > 2000 THEN
    RAISE EXCEPTION 'a packet is returned with its reason (at most 2,000 characters)'
      USING ERRCODE = 'CS004';
  END IF;
  review := packet_review_open(p_request_id);
  UPDATE packet_reviews SET state = 'returned', decided_by = session_user, decided_at = now(),
                            reason = btrim(p_reason)
   WHERE id = review.id;
  UPDATE roi_requests SET status = 'in_progress' WHERE id = p_request_id;
  PERFORM audit_event('packet.returned',
                      jsonb_build_object('request', p_request_id, 'review', review.id,
                                         'build', review.build_id));
  RETURN review.id;
END $$;
REVOKE EXECUTE ON FUNCTION packet_review_return(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION packet_review_return(bigint, text) TO custodian_clerk, custodian_admin;

-- ---- what the release records -------------------------------------------

ALTER TABLE disclosures
  ADD COLUMN packet_build_id  bigint REFERENCES record_packet_builds,
  ADD COLUMN packet_review_id bigint REFERENCES packet_reviews,
  ADD COLUMN packet_sha256    text CHECK (packet_sha256 ~ '^[0-9a-f]{64}$'),
  ADD COLUMN packet_pages     integer CHECK (packet_pages >= 1),
  -- [{id, name, kind, sha256, pages, first_page, last_page}] in release order
  ADD COLUMN packet_documents jsonb CHECK (jsonb_typeof(packet_documents) = 'array'),
  ADD CHECK ((packet_build_id IS NULL) = (packet_sha256 IS NULL)
             AND (packet_build_id IS NULL) = (packet_pages IS NULL)
             AND (packet_build_id IS NULL) = (packet_documents IS NULL));

-- The documents of build @b with the pages each occupies in the packet.
-- A build records each document's first page there and how many of its
-- pages went in (pages left out are not, 0067); for a build that does
-- not, record pages come after the letters and notices, each document
-- whole after the ones before it.
CREATE FUNCTION packet_build_documents(b record_packet_builds) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT COALESCE(jsonb_agg(jsonb_build_object(
           'id', p.id, 'name', d.name, 'kind', d.kind, 'sha256', p.sha256, 'pages', p.pages,
           'first_page', COALESCE(p.first_page, b.page_count - b.record_pages + p.running - p.pages + 1),
           'last_page', COALESCE(p.first_page + p.pages - 1, b.page_count - b.record_pages + p.running))
           ORDER BY p.n), '[]'::jsonb)
    FROM (SELECT q.*, sum(q.pages) OVER (ORDER BY q.n) AS running
            FROM (SELECT (e ->> 'id')::bigint AS id, e ->> 'sha256' AS sha256,
                         COALESCE((e ->> 'released_pages')::integer, (e ->> 'pages')::integer) AS pages,
                         (e ->> 'first_page')::integer AS first_page, n
                    FROM jsonb_array_elements(b.documents) WITH ORDINALITY AS x(e, n)) q) p
    JOIN record_documents d ON d.id = p.id
$$;

-- The packet a request released, or before its release the last one
-- built: what custodian-cli packet verify compares a file with.
CREATE FUNCTION packet_of_record(p_request_id bigint,
                                 OUT sha256 text, OUT page_count integer, OUT released boolean)
RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  (SELECT d.packet_sha256, d.packet_pages, true FROM disclosures d
    WHERE d.request_id = p_request_id AND d.packet_sha256 IS NOT NULL
    ORDER BY d.id DESC LIMIT 1)
  UNION ALL
  (SELECT b.sha256, b.page_count, false FROM record_packet_builds b
    WHERE b.request_id = p_request_id
      AND NOT EXISTS (SELECT 1 FROM disclosures d
                       WHERE d.request_id = p_request_id AND d.packet_sha256 IS NOT NULL)
    ORDER BY b.id DESC LIMIT 1)
$$;

-- 0057's release, every check kept; a request with record documents also
-- needs its packet approved by a second person and unchanged since, and
-- the disclosure records that packet.
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
  max_documents CONSTANT integer := 2;   -- the cover letter and the invoice
  req roi_requests;
  who requesters;
  doc record;
  kinds text[] := '{}';
  individual boolean;
  disclosed date := current_date;
  disclosure bigint;
  details jsonb;
  review packet_reviews;
  packet record_packet_builds;
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

  -- The records: only the packet a second person approved, as it was then.
  IF EXISTS (SELECT 1 FROM record_documents WHERE request_id = req.id) THEN
    review := packet_review_last(req.id);
    IF review.state IS DISTINCT FROM 'approved' THEN
      RAISE EXCEPTION 'request % is released only with its packet approved by a second person',
        req.reference USING ERRCODE = 'CS001';
    END IF;
    IF NOT packet_review_is_current(review) THEN
      RAISE EXCEPTION 'the packet of request % changed after it was approved: build it and check it again',
        req.reference USING ERRCODE = 'CS001';
    END IF;
    SELECT * INTO packet FROM record_packet_builds WHERE id = review.build_id;
  END IF;

  -- The status trigger checks the move (only from ready) and everything
  -- else a release must satisfy, such as an unexpired authorization.
  UPDATE roi_requests SET status = 'released' WHERE id = req.id;

  individual := who.kind IN ('patient', 'personal_representative');
  INSERT INTO disclosures (patient_id, request_id, disclosed_on, recipient_name,
                           recipient_address, phi_description, purpose_statement,
                           accountable, legal_basis, packet_build_id, packet_review_id,
                           packet_sha256, packet_pages, packet_documents)
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
          CASE WHEN packet.id IS NOT NULL THEN packet_build_documents(packet) END)
  RETURNING id INTO disclosure;

  details := jsonb_build_object('request', req.id, 'disclosure', disclosure,
                                'documents', to_jsonb(p_documents), 'disclosed_on', disclosed);
  IF packet.id IS NOT NULL THEN
    details := details || jsonb_build_object('packet', packet.sha256, 'packet_pages', packet.page_count,
                                             'packet_build', packet.id, 'packet_review', review.id);
  END IF;
  IF p_backdate_to IS NOT NULL THEN
    details := details || jsonb_build_object('recorded_on', current_date,
                                             'reason', btrim(p_backdate_reason));
  END IF;
  PERFORM audit_event(CASE WHEN p_backdate_to IS NULL THEN 'request.released'
                           ELSE 'request.released_backdated' END, details);
  RETURN disclosure;
END $$;
