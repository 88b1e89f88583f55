-- Custodian schema v1: patients, requesters, release-of-information requests,
-- the status workflow, due dates and the append-only audit log.

CREATE TABLE jurisdictions (
  code                 char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
  name                 text NOT NULL,
  -- Days a covered entity has to act on a patient-access request.  HIPAA's
  -- 30 days (45 CFR 164.524(b)(2)) unless state law sets a shorter clock.
  access_deadline_days integer NOT NULL DEFAULT 30
                       CHECK (access_deadline_days BETWEEN 1 AND 30)
);

INSERT INTO jurisdictions (code, name) VALUES
  ('AL','Alabama'),('AK','Alaska'),('AZ','Arizona'),('AR','Arkansas'),
  ('CA','California'),('CO','Colorado'),('CT','Connecticut'),('DE','Delaware'),
  ('DC','District of Columbia'),('FL','Florida'),('GA','Georgia'),('HI','Hawaii'),
  ('ID','Idaho'),('IL','Illinois'),('IN','Indiana'),('IA','Iowa'),
  ('KS','Kansas'),('KY','Kentucky'),('LA','Louisiana'),('ME','Maine'),
  ('MD','Maryland'),('MA','Massachusetts'),('MI','Michigan'),('MN','Minnesota'),
  ('MS','Mississippi'),('MO','Missouri'),('MT','Montana'),('NE','Nebraska'),
  ('NV','Nevada'),('NH','New Hampshire'),('NJ','New Jersey'),('NM','New Mexico'),
  ('NY','New York'),('NC','North Carolina'),('ND','North Dakota'),('OH','Ohio'),
  ('OK','Oklahoma'),('OR','Oregon'),('PA','Pennsylvania'),('RI','Rhode Island'),
  ('SC','South Carolina'),('SD','South Dakota'),('TN','Tennessee'),('TX','Texas'),
  ('UT','Utah'),('VT','Vermont'),('VA','Virginia'),('WA','Washington'),
  ('WV','West Virginia'),('WI','Wisconsin'),('WY','Wyoming'),('PR','Puerto Rico'),
  ('GU','Guam'),('VI','U.S. Virgin Islands'),('AS','American Samoa'),
  ('MP','Northern Mariana Islands');

-- The audit log comes first so every later table can be audited.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor       text NOT NULL DEFAULT session_user,
  table_name  text NOT NULL,
  row_id      bigint,
  action      text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE', 'EVENT')),
  old_row     jsonb,
  new_row     jsonb,
  txid        bigint NOT NULL DEFAULT txid_current()
);
CREATE INDEX audit_log_row_idx ON audit_log (table_name, row_id);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only'
    USING ERRCODE = 'CS005';
END $$;

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Runs as the schema owner so that application roles, which may only read the
-- log, still get every change recorded.
CREATE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  old_json jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
  new_json jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
BEGIN
  INSERT INTO audit_log (actor, table_name, row_id, action, old_row, new_row)
  VALUES (session_user, TG_TABLE_NAME,
          (COALESCE(new_json, old_json)->>'id')::bigint, TG_OP, old_json, new_json);
  RETURN NULL;
END $$;

CREATE TABLE patients (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mrn         text NOT NULL UNIQUE CHECK (btrim(mrn) <> '' AND length(mrn) <= 64),
  family_name text NOT NULL CHECK (btrim(family_name) <> ''),
  given_name  text NOT NULL CHECK (btrim(given_name) <> ''),
  birth_date  date NOT NULL CHECK (birth_date >= DATE '1850-01-01'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL DEFAULT session_user
);

CREATE TYPE requester_kind AS ENUM (
  'patient', 'personal_representative', 'attorney', 'insurer', 'provider',
  'government_agency', 'other');

CREATE TABLE requesters (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         requester_kind NOT NULL,
  name         text NOT NULL CHECK (btrim(name) <> ''),
  organization text,
  address      text,
  email        text CHECK (email IS NULL OR email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  phone        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL DEFAULT session_user
);

CREATE TYPE roi_status AS ENUM (
  'received', 'authorization_verified', 'in_progress', 'quality_check',
  'ready', 'released', 'denied', 'cancelled');
CREATE TYPE record_format AS ENUM ('paper', 'electronic', 'portable_media');
CREATE TYPE delivery_method AS ENUM ('mail', 'pickup', 'secure_email', 'portal', 'fax');

-- The workflow as data: the model layer carries the same table, and a test
-- checks that the two agree.
CREATE TABLE roi_status_transitions (
  from_status roi_status NOT NULL,
  to_status   roi_status NOT NULL,
  PRIMARY KEY (from_status, to_status)
);
INSERT INTO roi_status_transitions VALUES
  ('received', 'authorization_verified'), ('received', 'denied'), ('received', 'cancelled'),
  ('authorization_verified', 'in_progress'), ('authorization_verified', 'denied'),
  ('authorization_verified', 'cancelled'),
  ('in_progress', 'quality_check'), ('in_progress', 'denied'), ('in_progress', 'cancelled'),
  ('quality_check', 'ready'), ('quality_check', 'in_progress'), ('quality_check', 'cancelled'),
  ('ready', 'released'), ('ready', 'in_progress'), ('ready', 'cancelled');

CREATE SEQUENCE roi_reference_seq;

CREATE TABLE roi_requests (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference              text NOT NULL UNIQUE,
  patient_id             bigint NOT NULL REFERENCES patients,
  requester_id           bigint NOT NULL REFERENCES requesters,
  received_date          date NOT NULL,
  jurisdiction           char(2) NOT NULL REFERENCES jurisdictions,
  purpose                text NOT NULL DEFAULT '',
  record_types           text[] NOT NULL DEFAULT '{}',
  records_from           date,
  records_to             date,
  format                 record_format NOT NULL DEFAULT 'electronic',
  delivery               delivery_method NOT NULL DEFAULT 'portal',
  authorization_on_file  boolean NOT NULL DEFAULT false,
  authorization_signed   date,
  authorization_expires  date,
  authorization_notes    text NOT NULL DEFAULT '',
  page_count             integer CHECK (page_count BETWEEN 0 AND 1000000),
  status                 roi_status NOT NULL DEFAULT 'received',
  status_reason          text,
  due_date               date NOT NULL,
  extended_on            date,
  extension_reason       text,
  assignee               text,
  version                integer NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL DEFAULT now(),
  created_by             text NOT NULL DEFAULT session_user,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  updated_by             text NOT NULL DEFAULT session_user,
  CHECK (records_from IS NULL OR records_to IS NULL OR records_from <= records_to),
  CHECK (status <> 'denied' OR btrim(COALESCE(status_reason, '')) <> ''),
  CHECK ((extended_on IS NULL) = (extension_reason IS NULL)),
  CHECK (extension_reason IS NULL OR btrim(extension_reason) <> '')
);
CREATE INDEX roi_requests_status_due_idx ON roi_requests (status, due_date);
CREATE INDEX roi_requests_patient_idx ON roi_requests (patient_id);
CREATE INDEX roi_requests_requester_idx ON roi_requests (requester_id);

-- Due date: the jurisdiction's clock from receipt, plus one 30-day extension
-- (45 CFR 164.524(b)(2)(ii)).
CREATE FUNCTION roi_compute_due_date(received date, jurisdiction char(2), extended boolean)
RETURNS date LANGUAGE sql STABLE AS $$
  SELECT received + j.access_deadline_days + CASE WHEN extended THEN 30 ELSE 0 END
    FROM jurisdictions j WHERE j.code = jurisdiction
$$;

CREATE FUNCTION roi_requests_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.received_date > current_date THEN
    RAISE EXCEPTION 'the received date % is in the future', NEW.received_date
      USING ERRCODE = 'CS004';
  END IF;
  IF NEW.status <> 'received' OR NEW.extended_on IS NOT NULL THEN
    RAISE EXCEPTION 'a new request starts as received, without extension'
      USING ERRCODE = 'CS001';
  END IF;
  IF NEW.reference IS NULL THEN
    NEW.reference := format('ROI-%s-%s', to_char(NEW.received_date, 'YYYY'),
                            lpad(nextval('roi_reference_seq')::text, 6, '0'));
  END IF;
  NEW.due_date := roi_compute_due_date(NEW.received_date, NEW.jurisdiction, false);
  NEW.version := 1;
  NEW.created_by := session_user;
  NEW.updated_by := session_user;
  NEW.created_at := now();
  NEW.updated_at := now();
  RETURN NEW;
END $$;

CREATE FUNCTION roi_requests_before_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('released', 'denied', 'cancelled') THEN
    RAISE EXCEPTION 'request % is closed (%) and can no longer change', OLD.reference, OLD.status
      USING ERRCODE = 'CS002';
  END IF;
  IF NEW.id <> OLD.id OR NEW.reference <> OLD.reference
     OR NEW.created_at <> OLD.created_at OR NEW.created_by <> OLD.created_by THEN
    RAISE EXCEPTION 'identity columns of a request cannot change' USING ERRCODE = 'CS001';
  END IF;
  IF NEW.received_date > current_date THEN
    RAISE EXCEPTION 'the received date % is in the future', NEW.received_date
      USING ERRCODE = 'CS004';
  END IF;
  IF NEW.status <> OLD.status AND NOT EXISTS (
       SELECT 1 FROM roi_status_transitions t
        WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
    RAISE EXCEPTION 'a request cannot move from % to %', OLD.status, NEW.status
      USING ERRCODE = 'CS001';
  END IF;
  IF OLD.extended_on IS NOT NULL AND
     (NEW.extended_on IS DISTINCT FROM OLD.extended_on
      OR NEW.extension_reason IS DISTINCT FROM OLD.extension_reason) THEN
    RAISE EXCEPTION 'request % was already extended once', OLD.reference
      USING ERRCODE = 'CS003';
  END IF;
  IF OLD.extended_on IS NULL AND NEW.extended_on IS NOT NULL
     AND NEW.extended_on > OLD.due_date THEN
    RAISE EXCEPTION 'the extension must be taken before the original due date %', OLD.due_date
      USING ERRCODE = 'CS003';
  END IF;
  NEW.due_date := roi_compute_due_date(NEW.received_date, NEW.jurisdiction,
                                       NEW.extended_on IS NOT NULL);
  NEW.version := OLD.version + 1;
  NEW.updated_by := session_user;
  NEW.updated_at := now();
  RETURN NEW;
END $$;

CREATE TRIGGER roi_requests_before_insert BEFORE INSERT ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_before_insert();
CREATE TRIGGER roi_requests_before_update BEFORE UPDATE ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_before_update();

-- Other clients learn of a change within the same second.  The payload,
-- "op:id:version", names the row and its new version, so a listener reloads
-- that one row only, and skips its own changes it already has.
CREATE FUNCTION roi_requests_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r roi_requests := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
  PERFORM pg_notify('custodian_requests',
                    format('%s:%s:%s', lower(TG_OP), r.id, r.version));
  RETURN NULL;
END $$;
CREATE TRIGGER roi_requests_notify AFTER INSERT OR UPDATE OR DELETE ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION roi_requests_notify();

CREATE TRIGGER patients_audit AFTER INSERT OR UPDATE OR DELETE ON patients
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER requesters_audit AFTER INSERT OR UPDATE OR DELETE ON requesters
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER roi_requests_audit AFTER INSERT OR UPDATE OR DELETE ON roi_requests
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
