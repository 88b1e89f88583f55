-- Which record pages are released, in what order, and the page count the
-- fee is quoted on (issue 18, the page view).
--
-- WHAT IS STORED
--   record_page_exclusions  one row per record page left out of the
--                           release: the document, the page (from 1), the
--                           reason (one of the withholding reasons of
--                           0046), who left it out and when (the server's).
--                           Including the page again deletes its row; the
--                           audit log keeps both.
--   record_paper_pages      per request, the pages that exist only on paper
--                           (released as copies, never stored here).
--
-- THE RELEASED PAGE COUNT
--   record_released_pages(request) = the included pages of the request's
--   record documents + its paper-only pages; NULL while the request has
--   neither (the page count is then still the clerk's, typed as before).
--   Once it has either, roi_requests.page_count IS that count: every
--   change here writes it, and a trigger puts it back whenever an update
--   of the request says otherwise, so the fee engine, the invoice and the
--   reports, which all read roi_requests.page_count, follow the packet.
--   The request's version moves with it, so its NOTIFY tells every window.
--
-- RELEASE ORDER
--   record_documents_order(request, ids) renumbers the documents'
--   positions; cst_packet_build() copies them in that order.
--
-- WHO MAY RUN WHAT (owner-rights functions; caller_is_one_of inside)
--   record_pages_exclude, record_pages_include,
--   record_documents_order, record_paper_pages_set
--                                  custodian_clerk, custodian_admin
--   Every role reads the exclusions and the paper pages (billing checks
--   the page count).  Nothing changes on a closed request (released,
--   denied, cancelled): record_request_open (0062) refuses it.
--
-- record_packet_built (0064) is replaced: a build now carries the included
-- pages only, so the record pages it claims are the included ones.

CREATE TABLE record_page_exclusions (
  document_id  bigint NOT NULL REFERENCES record_documents,
  page         integer NOT NULL CHECK (page >= 1),
  reason       withholding_reason NOT NULL,
  excluded_by  text NOT NULL DEFAULT session_user,
  excluded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, page)
);

CREATE TABLE record_paper_pages (
  request_id  bigint PRIMARY KEY REFERENCES roi_requests,
  pages       integer NOT NULL CHECK (pages BETWEEN 0 AND 1000000),
  set_by      text NOT NULL DEFAULT session_user,
  set_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER record_page_exclusions_audit AFTER INSERT OR UPDATE OR DELETE
  ON record_page_exclusions FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER record_paper_pages_audit AFTER INSERT OR UPDATE OR DELETE
  ON record_paper_pages FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON record_page_exclusions, record_paper_pages
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
-- Only reading policies: the functions below (the owner's) write.
ALTER TABLE record_page_exclusions ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_page_exclusions_read ON record_page_exclusions FOR SELECT USING (true);
ALTER TABLE record_paper_pages ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_paper_pages_read ON record_paper_pages FOR SELECT USING (true);

-- ---- the released page count ------------------------------------------------

CREATE FUNCTION record_released_pages(p_request_id bigint) RETURNS integer
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM record_documents WHERE request_id = p_request_id)
                   AND NOT EXISTS (SELECT 1 FROM record_paper_pages WHERE request_id = p_request_id)
              THEN NULL
              ELSE (COALESCE((SELECT sum(d.page_count) FROM record_documents d
                               WHERE d.request_id = p_request_id), 0)
                    - (SELECT count(*) FROM record_page_exclusions x
                         JOIN record_documents d ON d.id = x.document_id
                        WHERE d.request_id = p_request_id)
                    + COALESCE((SELECT pages FROM record_paper_pages
                                 WHERE request_id = p_request_id), 0))::integer
         END
$$;
GRANT EXECUTE ON FUNCTION record_released_pages(bigint)
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
REVOKE EXECUTE ON FUNCTION record_released_pages(bigint) FROM PUBLIC;

-- Writes the released page count into the request when it differs.
CREATE FUNCTION record_released_pages_sync(p_request_id bigint) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  released integer := record_released_pages(p_request_id);
BEGIN
  IF released IS NOT NULL THEN
    UPDATE roi_requests SET page_count = released
     WHERE id = p_request_id AND page_count IS DISTINCT FROM released
       AND status NOT IN ('released', 'denied', 'cancelled');
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION record_released_pages_sync(bigint) FROM PUBLIC;

-- An update of the request (the clerk's form) cannot give it another page
-- count than its packet's.
CREATE FUNCTION roi_requests_packet_pages() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  released integer := record_released_pages(NEW.id);
BEGIN
  IF released IS NOT NULL THEN
    NEW.page_count := released;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER roi_requests_packet_pages BEFORE UPDATE ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_packet_pages();

-- A document added (record_document_add, 0062) counts at once.
CREATE FUNCTION record_documents_count_pages() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM record_released_pages_sync(NEW.request_id);
  RETURN NULL;
END $$;
CREATE TRIGGER record_documents_count_pages AFTER INSERT ON record_documents
  FOR EACH ROW EXECUTE FUNCTION record_documents_count_pages();

-- ---- leaving pages out, and back in -------------------------------------------

-- The document @p_document_id of an open request, its request locked
-- against other changes; raises when a page is not in the document.
CREATE FUNCTION record_pages_document(p_document_id bigint, p_pages integer[])
RETURNS record_documents
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  doc record_documents;
  bad integer;
BEGIN
  SELECT * INTO doc FROM record_documents WHERE id = p_document_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no record document %', p_document_id USING ERRCODE = 'CS004';
  END IF;
  PERFORM record_request_open(doc.request_id);
  IF p_pages IS NULL OR cardinality(p_pages) = 0 THEN
    RAISE EXCEPTION 'which pages? name at least one' USING ERRCODE = 'CS004';
  END IF;
  SELECT p INTO bad FROM unnest(p_pages) AS p WHERE p IS NULL OR p < 1 OR p > doc.page_count LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'document % has pages 1 to %, not %', doc.id, doc.page_count,
      COALESCE(bad::text, 'none') USING ERRCODE = 'CS004';
  END IF;
  RETURN doc;
END $$;
REVOKE EXECUTE ON FUNCTION record_pages_document(bigint, integer[]) FROM PUBLIC;

-- Leaves @p_pages of a document out of the release, for @p_reason (a page
-- left out already takes the new reason).  Returns how many pages were
-- not left out before.
CREATE FUNCTION record_pages_exclude(p_document_id bigint, p_pages integer[],
                                     p_reason withholding_reason)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  doc record_documents;
  before integer;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk chooses the pages released'
      USING ERRCODE = '42501';
  END IF;
  doc := record_pages_document(p_document_id, p_pages);
  IF p_reason IS NULL THEN
    RAISE EXCEPTION 'a page left out needs a reason' USING ERRCODE = 'CS004';
  END IF;
  SELECT count(*) INTO before FROM record_page_exclusions WHERE document_id = doc.id;
  INSERT INTO record_page_exclusions (document_id, page, reason)
  SELECT DISTINCT doc.id, p, p_reason FROM unnest(p_pages) AS p
  ON CONFLICT (document_id, page) DO UPDATE
    SET reason = EXCLUDED.reason, excluded_by = session_user, excluded_at = now()
    WHERE record_page_exclusions.reason IS DISTINCT FROM EXCLUDED.reason;
  PERFORM record_released_pages_sync(doc.request_id);
  RETURN (SELECT count(*) FROM record_page_exclusions WHERE document_id = doc.id) - before;
END $$;
REVOKE EXECUTE ON FUNCTION record_pages_exclude(bigint, integer[], withholding_reason) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_pages_exclude(bigint, integer[], withholding_reason)
  TO custodian_clerk, custodian_admin;

-- Puts @p_pages of a document back into the release (undoes
-- record_pages_exclude).  Returns how many were left out.
CREATE FUNCTION record_pages_include(p_document_id bigint, p_pages integer[])
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  doc record_documents;
  n integer;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk chooses the pages released'
      USING ERRCODE = '42501';
  END IF;
  doc := record_pages_document(p_document_id, p_pages);
  DELETE FROM record_page_exclusions WHERE document_id = doc.id AND page = ANY (p_pages);
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM record_released_pages_sync(doc.request_id);
  RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION record_pages_include(bigint, integer[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_pages_include(bigint, integer[])
  TO custodian_clerk, custodian_admin;

-- ---- release order ----------------------------------------------------------

-- Puts the request's documents in the order @p_document_ids names them:
-- each of its documents exactly once.
CREATE FUNCTION record_documents_order(p_request_id bigint, p_document_ids bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer;
  top integer;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk orders the records released'
      USING ERRCODE = '42501';
  END IF;
  PERFORM record_request_open(p_request_id);
  SELECT count(*), COALESCE(max(position), 0) INTO n, top
    FROM record_documents WHERE request_id = p_request_id;
  IF p_document_ids IS NULL OR cardinality(p_document_ids) <> n
     OR (SELECT count(DISTINCT i) FROM unnest(p_document_ids) AS i) <> n
     OR EXISTS (SELECT 1 FROM unnest(p_document_ids) AS i
                 WHERE NOT EXISTS (SELECT 1 FROM record_documents d
                                    WHERE d.id = i AND d.request_id = p_request_id)) THEN
    RAISE EXCEPTION 'the order names each of the request''s % record documents once', n
      USING ERRCODE = 'CS004';
  END IF;
  -- Above every position first, so no two rows ever share one.
  UPDATE record_documents SET position = position + top WHERE request_id = p_request_id;
  UPDATE record_documents d SET position = o.n
    FROM unnest(p_document_ids) WITH ORDINALITY AS o(id, n)
   WHERE d.id = o.id;
END $$;
REVOKE EXECUTE ON FUNCTION record_documents_order(bigint, bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_documents_order(bigint, bigint[])
  TO custodian_clerk, custodian_admin;

-- ---- paper-only pages -----------------------------------------------------------

CREATE FUNCTION record_paper_pages_set(p_request_id bigint, p_pages integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk counts the pages released'
      USING ERRCODE = '42501';
  END IF;
  PERFORM record_request_open(p_request_id);
  IF p_pages IS NULL OR p_pages < 0 OR p_pages > 1000000 THEN
    RAISE EXCEPTION 'paper pages are 0 to 1,000,000' USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO record_paper_pages (request_id, pages) VALUES (p_request_id, p_pages)
  ON CONFLICT (request_id) DO UPDATE
    SET pages = EXCLUDED.pages, set_by = session_user, set_at = now()
    WHERE record_paper_pages.pages <> EXCLUDED.pages;
  PERFORM record_released_pages_sync(p_request_id);
END $$;
REVOKE EXECUTE ON FUNCTION record_paper_pages_set(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_paper_pages_set(bigint, integer)
  TO custodian_clerk, custodian_admin;

-- ---- a build claims its included pages ---------------------------------------------

CREATE OR REPLACE FUNCTION record_packet_built(p_request_id bigint, p_sha256 text, p_pages integer,
                                               p_record_pages integer, p_documents jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  counted bigint;
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators build packets'
      USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM roi_requests WHERE id = p_request_id) THEN
    RAISE EXCEPTION 'no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  IF jsonb_typeof(p_documents) IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'the documents of a build are an array' USING ERRCODE = '22023';
  END IF;
  SELECT sum(d.page_count - (SELECT count(*) FROM record_page_exclusions x
                              WHERE x.document_id = d.id))
    INTO counted
    FROM jsonb_array_elements(p_documents) AS e
    JOIN record_documents d ON d.id = (e ->> 'id')::bigint AND d.request_id = p_request_id;
  IF counted = 0 THEN
    RAISE EXCEPTION 'every record page is left out: there is nothing to release'
      USING ERRCODE = 'CS004';
  END IF;
  IF counted IS DISTINCT FROM p_record_pages::bigint
     OR (SELECT count(*) FROM jsonb_array_elements(p_documents)) <>
        (SELECT count(*) FROM record_documents WHERE request_id = p_request_id) THEN
    RAISE EXCEPTION 'a build carries every record document of its request and their included pages'
      USING ERRCODE = '22023';
  END IF;
  INSERT INTO record_packet_builds (request_id, sha256, page_count, record_pages, documents)
    VALUES (p_request_id, p_sha256, p_pages, p_record_pages, p_documents)
    RETURNING id INTO new_id;
  RETURN new_id;
END $$;
