-- The authorization deficiency letter becomes a document template like the
-- other letters: its wording, including each missing element's name, in
-- the letter's own language and editable by the hospital, and each letter
-- recorded in rendered_documents with the template version it used.
-- Letters made before this were recorded only as the audit event
-- 'authorization.deficiency_letter', which the evidence pack still reads.
ALTER TABLE document_templates DROP CONSTRAINT document_templates_kind_check;
ALTER TABLE document_templates ADD CONSTRAINT document_templates_kind_check
  CHECK (kind IN ('invoice', 'cover-letter', 'denial-letter', 'extension-notice', 'accounting',
                  'deficiency-letter'));
