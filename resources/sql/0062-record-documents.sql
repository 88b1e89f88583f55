-- Records in: the record pages a request releases (issue 18, first slice).
--
-- WHAT IS STORED
--   record_documents  one row per file a clerk added to a request: its
--                     name, kind, service dates, format, page count, its
--                     place in the release order, who added it and when
--                     (both the server's).
--   record_contents   the bytes of a file, once per content: two requests
--                     (or one request twice) that add the same file share
--                     one row.
--   record_content_chunks
--                     those bytes in order, in chunks of at most 1 MiB, each
--                     with the SHA-256 the server computed of it.
--
-- WHY CHUNK ROWS (and not one bytea, nor large objects)
--   A record file can be 500 MB.  One bytea value is read and written
--   whole, by libpq and by the server: memory would grow with the file.
--   Large objects stream, but they sit outside the tables: no grants or
--   row-level security of their own per request, no foreign key, and
--   lo_unlink/orphans to manage.  Chunk rows stream both ways with a
--   bounded buffer (one chunk), live under the same grants, row-level
--   security and foreign keys as the rest, and copy with pg_dump like every
--   other table.  Chunks are stored uncompressed (STORAGE EXTERNAL): PDFs
--   and scans are compressed already.
--
-- WHO DECIDES WHAT
--   The server computes each chunk's SHA-256 and size, the content's size,
--   and its chunk digest (the SHA-256 of the chunk digests, in order); it
--   stamps who added a document and when, and its place in the order.
--   PostgreSQL has no streaming SHA-256 in SQL, so the digest of the whole
--   file is the client's word; it is part of a content's identity together
--   with the server's chunk digest and size, so a client that lies about
--   it only ever labels its own upload, never another one's.  The page
--   count is the client's too (the server parses no PDFs).
--
-- WHO MAY RUN WHAT (owner-rights functions; caller_is_one_of inside)
--   record_upload_begin, record_upload_append,
--   record_document_add               custodian_clerk, custodian_admin
--   record_document_viewed            custodian_clerk, custodian_auditor,
--                                     custodian_admin
--   Nobody writes the three tables directly and nobody deletes; billing
--   reads the documents and their digests (page counts feed the fee) but
--   not their bytes (the chunks).
--   Nothing is added to a closed (released, denied, cancelled) request.

CREATE TABLE record_contents (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sha256        text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  chunk_digest  text CHECK (chunk_digest ~ '^[0-9a-f]{64}$'),
  byte_count    bigint CHECK (byte_count > 0),
  chunk_count   integer CHECK (chunk_count > 0),
  sealed        boolean NOT NULL DEFAULT false,
  request_id    bigint NOT NULL REFERENCES roi_requests,   -- the request it was uploaded for
  created_by    text NOT NULL DEFAULT session_user,
  created_at    timestamptz NOT NULL DEFAULT now(),
  txid          bigint NOT NULL DEFAULT txid_current(),
  CHECK (NOT sealed OR (sha256 IS NOT NULL AND chunk_digest IS NOT NULL
                        AND byte_count IS NOT NULL AND chunk_count IS NOT NULL))
);
CREATE UNIQUE INDEX record_contents_identity
  ON record_contents (sha256, chunk_digest, byte_count) WHERE sealed;

CREATE TABLE record_content_chunks (
  content_id  bigint NOT NULL REFERENCES record_contents,
  seq         integer NOT NULL CHECK (seq >= 0),
  data        bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 1048576),
  sha256      bytea NOT NULL,
  PRIMARY KEY (content_id, seq)
);
ALTER TABLE record_content_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE record_documents (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id    bigint NOT NULL REFERENCES roi_requests,
  content_id    bigint NOT NULL REFERENCES record_contents,
  position      integer NOT NULL CHECK (position >= 1),
  name          text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 255),
  kind          text NOT NULL CHECK (btrim(kind) <> '' AND length(kind) <= 100),
  format        text NOT NULL CHECK (format IN ('pdf', 'png', 'jpeg', 'tiff')),
  service_from  date,
  service_to    date,
  page_count    integer NOT NULL CHECK (page_count >= 1),
  added_by      text NOT NULL DEFAULT session_user,
  added_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (request_id, position),
  CHECK (service_from IS NULL OR service_to IS NULL OR service_from <= service_to)
);
CREATE INDEX record_documents_content_idx ON record_documents (content_id);

-- ---- nobody rewrites what was stored ------------------------------------

-- A sealed content is history; an unsealed upload may be dropped by
-- record_document_add when the same content is stored already.
CREATE FUNCTION record_content_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  is_sealed boolean;
BEGIN
  IF TG_TABLE_NAME = 'record_contents' THEN
    is_sealed := OLD.sealed;
  ELSE
    SELECT sealed INTO is_sealed FROM record_contents WHERE id = OLD.content_id;
  END IF;
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'record_contents' AND NOT is_sealed THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' AND NOT is_sealed THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'stored record content never changes' USING ERRCODE = 'CS005';
END $$;
CREATE TRIGGER record_contents_append_only BEFORE UPDATE OR DELETE ON record_contents
  FOR EACH ROW EXECUTE FUNCTION record_content_refuse_change();
CREATE TRIGGER record_content_chunks_append_only BEFORE UPDATE OR DELETE ON record_content_chunks
  FOR EACH ROW EXECUTE FUNCTION record_content_refuse_change();
CREATE TRIGGER record_documents_no_delete BEFORE DELETE ON record_documents
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

-- Audited like the other request tables.  The chunks are not: their bytes
-- would copy every record into the audit log; their content row (audited)
-- carries their digest.
CREATE TRIGGER record_contents_audit AFTER INSERT OR UPDATE OR DELETE ON record_contents
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER record_documents_audit AFTER INSERT OR UPDATE ON record_documents
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- ---- grants and row-level security --------------------------------------

GRANT SELECT ON record_documents, record_contents
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT SELECT ON record_content_chunks TO custodian_clerk, custodian_auditor, custodian_admin;

-- Only reading policies: a write by anyone but the owner (whose functions
-- below do the writing) finds no policy, even under a grant widened by
-- mistake.
ALTER TABLE record_documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_documents_read ON record_documents FOR SELECT USING (true);
ALTER TABLE record_contents ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_contents_read ON record_contents FOR SELECT USING (sealed);
ALTER TABLE record_content_chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_content_chunks_read ON record_content_chunks FOR SELECT
  USING (EXISTS (SELECT 1 FROM record_contents c WHERE c.id = content_id AND c.sealed));

-- ---- adding records -----------------------------------------------------

-- The open request @p_request_id, locked against other adds; raises when
-- it is missing or closed.
CREATE FUNCTION record_request_open(p_request_id bigint) RETURNS roi_requests
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  req roi_requests;
BEGIN
  SELECT * INTO req FROM roi_requests WHERE id = p_request_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'records are added to a request that exists' USING ERRCODE = 'CS004';
  END IF;
  IF req.status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is closed: no records are added to it now', req.reference
      USING ERRCODE = 'CS002';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('record_documents:' || p_request_id));
  RETURN req;
END $$;
REVOKE EXECUTE ON FUNCTION record_request_open(bigint) FROM PUBLIC;

-- The caller's own unsealed upload of this transaction, or an exception.
CREATE FUNCTION record_upload_own(p_upload_id bigint) RETURNS record_contents
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  upload record_contents;
BEGIN
  SELECT * INTO upload FROM record_contents WHERE id = p_upload_id FOR UPDATE;
  IF NOT FOUND OR upload.sealed OR upload.created_by <> session_user
     OR upload.txid <> txid_current() THEN
    RAISE EXCEPTION 'record content is sent to an upload begun in the same transaction'
      USING ERRCODE = 'CS004';
  END IF;
  RETURN upload;
END $$;
REVOKE EXECUTE ON FUNCTION record_upload_own(bigint) FROM PUBLIC;

-- Begins an upload for an open request; returns its id.
CREATE FUNCTION record_upload_begin(p_request_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk adds records to a request'
      USING ERRCODE = '42501';
  END IF;
  PERFORM record_request_open(p_request_id);
  INSERT INTO record_contents (request_id) VALUES (p_request_id) RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION record_upload_begin(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_upload_begin(bigint) TO custodian_clerk, custodian_admin;

-- Appends the next chunk (@p_seq: 0, 1, 2... in order) of an upload.
CREATE FUNCTION record_upload_append(p_upload_id bigint, p_seq integer, p_data bytea)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  next_seq integer;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk adds records to a request'
      USING ERRCODE = '42501';
  END IF;
  PERFORM record_upload_own(p_upload_id);
  SELECT COALESCE(max(seq) + 1, 0) INTO next_seq
    FROM record_content_chunks WHERE content_id = p_upload_id;
  IF p_seq IS DISTINCT FROM next_seq THEN
    RAISE EXCEPTION 'record content arrives in order: chunk % expected, not %', next_seq, p_seq
      USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO record_content_chunks (content_id, seq, data, sha256)
  VALUES (p_upload_id, p_seq, p_data, sha256(p_data));
END $$;
REVOKE EXECUTE ON FUNCTION record_upload_append(bigint, integer, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_upload_append(bigint, integer, bytea)
  TO custodian_clerk, custodian_admin;

-- Seals an upload and adds it to its request as the last document.  When
-- the same content is stored already, the upload is dropped and the
-- document cites the stored content.  @p_kind NULL: the request's first
-- record type, else "records".  Returns the new document's id.
CREATE FUNCTION record_document_add(p_upload_id bigint, p_sha256 text, p_name text,
                                    p_kind text, p_format text, p_page_count integer)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  upload record_contents;
  req roi_requests;
  digest text;
  total bigint;
  n_chunks integer;
  stored bigint;
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk adds records to a request'
      USING ERRCODE = '42501';
  END IF;
  upload := record_upload_own(p_upload_id);
  req := record_request_open(upload.request_id);
  IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{64}$' THEN
    RAISE EXCEPTION 'a record''s SHA-256 is 64 lowercase hexadecimal digits' USING ERRCODE = 'CS004';
  END IF;
  IF p_page_count IS NULL OR p_page_count < 1 THEN
    RAISE EXCEPTION 'a record has at least one page' USING ERRCODE = 'CS004';
  END IF;
  SELECT encode(sha256(string_agg(sha256, ''::bytea ORDER BY seq)), 'hex'),
         sum(octet_length(data)), count(*)
    INTO digest, total, n_chunks
    FROM record_content_chunks WHERE content_id = upload.id;
  IF n_chunks = 0 THEN
    RAISE EXCEPTION 'a record has content' USING ERRCODE = 'CS004';
  END IF;

  PERFORM pg_advisory_xact_lock(hashtext('record_contents:' || digest));
  SELECT id INTO stored FROM record_contents
   WHERE sealed AND sha256 = p_sha256 AND chunk_digest = digest AND byte_count = total;
  IF FOUND THEN
    DELETE FROM record_content_chunks WHERE content_id = upload.id;
    DELETE FROM record_contents WHERE id = upload.id;
  ELSE
    UPDATE record_contents
       SET sealed = true, sha256 = p_sha256, chunk_digest = digest,
           byte_count = total, chunk_count = n_chunks
     WHERE id = upload.id;
    stored := upload.id;
  END IF;

  INSERT INTO record_documents (request_id, content_id, position, name, kind, format, page_count)
  VALUES (req.id, stored,
          (SELECT COALESCE(max(position), 0) + 1 FROM record_documents WHERE request_id = req.id),
          p_name,
          COALESCE(NULLIF(btrim(p_kind), ''), req.record_types[1], 'records'),
          p_format, p_page_count)
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION record_document_add(bigint, text, text, text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_document_add(bigint, text, text, text, text, integer)
  TO custodian_clerk, custodian_admin;

-- ---- looking at records -------------------------------------------------

-- Logs that the caller opened a record document to look at it (HIPAA's
-- audit controls cover reading records, not only changing them).  Returns
-- the audit log row's id.
CREATE FUNCTION record_document_viewed(p_document_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  doc record_documents;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_auditor', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk, auditors and administrators open records'
      USING ERRCODE = '42501';
  END IF;
  SELECT * INTO doc FROM record_documents WHERE id = p_document_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no record document %', p_document_id USING ERRCODE = 'CS004';
  END IF;
  RETURN audit_event('record.viewed',
                     jsonb_build_object('document_id', doc.id, 'request_id', doc.request_id,
                                        'content_id', doc.content_id));
END $$;
REVOKE EXECUTE ON FUNCTION record_document_viewed(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_document_viewed(bigint)
  TO custodian_clerk, custodian_auditor, custodian_admin;
