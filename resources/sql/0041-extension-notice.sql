-- The one 30-day extension of a patient-access request is allowed only when
-- the individual is given, within the first 30 days, a written statement of
-- the reasons and the date by which the entity will act (45 CFR
-- 164.524(b)(2)(iii)).  The notice is a rendered extension-notice document;
-- without one on file, rendered by the original due date, no extension.

CREATE FUNCTION roi_extension_notice_on_file(p_request_id bigint, p_by date)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM rendered_documents d
      JOIN document_templates t ON t.id = d.template_id
     WHERE d.request_id = p_request_id AND t.kind = 'extension-notice'
       AND d.rendered_at::date <= p_by)
$$;

CREATE FUNCTION roi_requests_check_extension_notice() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.extended_on IS NULL AND NEW.extended_on IS NOT NULL
     AND NOT roi_extension_notice_on_file(NEW.id, OLD.due_date) THEN
    RAISE EXCEPTION 'request % cannot be extended before its extension notice is rendered',
                    OLD.reference
      USING ERRCODE = 'CS003';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER roi_requests_check_extension_notice BEFORE UPDATE OF extended_on ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_check_extension_notice();
