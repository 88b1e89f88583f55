-- The packet built: what custodian-cli packet build wrote (issue 18,
-- second slice), so that custodian-cli packet verify can say whether a
-- file is exactly the last packet built for a request.
--
-- WHAT IS STORED
--   record_packet_builds  one row per build: the request, the packet's
--                         SHA-256, its page count, how many of them are
--                         record pages, and the documents it carried
--                         (id, SHA-256, pages, in release order), who
--                         built it and when (both the server's).
--
-- WHO
--   record_packet_built   custodian_clerk, custodian_admin (they assemble)
--   reading the builds    every role (billing will check the page count)
--   Nobody writes the table directly, nobody changes or deletes a build.

CREATE TABLE record_packet_builds (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id    bigint NOT NULL REFERENCES roi_requests,
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  page_count    integer NOT NULL CHECK (page_count >= 1),
  record_pages  integer NOT NULL CHECK (record_pages >= 1 AND record_pages <= page_count),
  documents     jsonb NOT NULL CHECK (jsonb_typeof(documents) = 'array'),
  built_by      text NOT NULL DEFAULT session_user,
  built_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_packet_builds_request_idx ON record_packet_builds (request_id, id);

CREATE TRIGGER record_packet_builds_append_only BEFORE UPDATE OR DELETE ON record_packet_builds
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER record_packet_builds_audit AFTER INSERT ON record_packet_builds
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON record_packet_builds
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
ALTER TABLE record_packet_builds ENABLE ROW LEVEL SECURITY;
CREATE POLICY record_packet_builds_read ON record_packet_builds FOR SELECT USING (true);

-- Records a build.  The documents must be the request's, and the record
-- pages their pages added up: a build cannot claim pages it did not carry.
CREATE FUNCTION record_packet_built(p_request_id bigint, p_sha256 text, p_pages integer,
                                    p_record_pages integer, p_documents jsonb) RETURNS bigint
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
  SELECT sum(d.page_count) INTO counted
    FROM jsonb_array_elements(p_documents) AS e
    JOIN record_documents d ON d.id = (e ->> 'id')::bigint AND d.request_id = p_request_id;
  IF counted IS DISTINCT FROM p_record_pages::bigint
     OR (SELECT count(*) FROM jsonb_array_elements(p_documents)) <>
        (SELECT count(*) FROM record_documents WHERE request_id = p_request_id) THEN
    RAISE EXCEPTION 'a build carries every record document of its request and their pages'
      USING ERRCODE = '22023';
  END IF;
  INSERT INTO record_packet_builds (request_id, sha256, page_count, record_pages, documents)
    VALUES (p_request_id, p_sha256, p_pages, p_record_pages, p_documents)
    RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION record_packet_built(bigint, text, integer, integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_packet_built(bigint, text, integer, integer, jsonb)
  TO custodian_clerk, custodian_admin;
