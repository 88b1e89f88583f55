-- The wording of letters and invoices, which the hospital may edit.
-- Templates are versioned and never overwritten: an edit inserts the next
-- version, and every rendered document records the version it used, so a
-- letter sent last year can be explained with last year's wording.
CREATE TABLE document_templates (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('invoice', 'cover-letter', 'denial-letter',
                                            'extension-notice', 'accounting')),
  language    text NOT NULL CHECK (language ~ '^[a-z]{2}$'),
  version     integer NOT NULL CHECK (version >= 1),
  body        text NOT NULL CHECK (btrim(body) <> '' AND length(body) <= 200000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL DEFAULT session_user,
  UNIQUE (kind, language, version)
);

CREATE TRIGGER document_templates_audit AFTER INSERT OR UPDATE OR DELETE ON document_templates
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- The wording Custodian ships (resources/seed/document-templates-*.ini)
-- becomes version 1 the first time anyone renders that kind of document.
-- Any role may do this, but only for a (kind, language) with no version
-- yet: it can never replace what the hospital wrote.
CREATE FUNCTION document_template_install_default(p_kind text, p_language text, p_body text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('document_templates:' || p_kind || ':' || p_language));
  IF NOT EXISTS (SELECT 1 FROM document_templates
                 WHERE kind = p_kind AND language = p_language) THEN
    INSERT INTO document_templates (kind, language, version, body)
    VALUES (p_kind, p_language, 1, p_body);
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION document_template_install_default(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION document_template_install_default(text, text, text)
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- Which template version produced each document, and a digest of the file.
CREATE TABLE rendered_documents (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id   bigint REFERENCES roi_requests,
  template_id  bigint NOT NULL REFERENCES document_templates,
  page_count   integer NOT NULL CHECK (page_count >= 1),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  rendered_at  timestamptz NOT NULL DEFAULT now(),
  rendered_by  text NOT NULL DEFAULT session_user
);
CREATE INDEX rendered_documents_request_idx ON rendered_documents (request_id);

CREATE TRIGGER rendered_documents_audit AFTER INSERT OR UPDATE OR DELETE ON rendered_documents
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON document_templates
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT ON document_templates TO custodian_admin;
GRANT SELECT, INSERT ON rendered_documents TO custodian_clerk, custodian_billing, custodian_admin;
GRANT SELECT ON rendered_documents TO custodian_auditor;
