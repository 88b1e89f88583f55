-- Searching older closed requests (cst_request_repo_search_closed) looks
-- for words anywhere in the reference, the MRN, the patient's names and
-- the requester's name: ILIKE '%word%', which only a trigram index serves.
-- pg_trgm ships with PostgreSQL and is a trusted extension, so the
-- database's owner may create it.  Where it is missing or refused (or
-- lives in a schema not on the path), the search still works by scanning:
-- about a second at 200,000 requests instead of tens of milliseconds
-- (bench/window/README.md).
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX roi_requests_reference_trgm ON roi_requests USING gin (reference gin_trgm_ops);
  CREATE INDEX patients_search_trgm ON patients
    USING gin (mrn gin_trgm_ops, family_name gin_trgm_ops, given_name gin_trgm_ops);
  CREATE INDEX requesters_name_trgm ON requesters USING gin (name gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'no trigram indexes (%): older closed requests are searched by scanning', SQLERRM;
END $$;
