-- The packet's deliveries (issue 20, electronic delivery): how each copy
-- of the records packet left, proved.
--
-- WHAT IS STORED
--   plain_email_confirmations  the individual's insistence on unencrypted
--                              e-mail after the warning (45 CFR
--                              164.524(c)(2)(ii)): the address, who
--                              confirmed (the individual or their
--                              representative), how (phone, in person, in
--                              writing), the warning as read, who recorded
--                              it and when (the server's).
--   packet_deliveries          one row per copy that left: the build it
--                              came from, the method (e-mail encrypted,
--                              plain e-mail, removable media, print), the
--                              SHA-256 of the file that left (the encrypted
--                              file's, when encrypted), whether it was
--                              encrypted and a passphrase given (never the
--                              passphrase), the address and the mail
--                              server's reply (its queue id), the plain
--                              e-mail's confirmation, who and when.
--
-- WHO
--   record_plain_email_confirmation, record_packet_delivery
--                              custodian_clerk, custodian_admin (they send)
--   reading                    every role (auditors prove the release)
--   Nobody writes the tables directly, nobody changes or deletes a row.
--
-- THE RULE THE DATABASE KEEPS
--   A plain e-mail delivery needs a confirmation on record for the same
--   request and the same address, recorded before it; checked by a
--   trigger, so no path (not even the owner's) records a plain e-mail
--   without one.

CREATE TABLE plain_email_confirmations (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id     bigint NOT NULL REFERENCES roi_requests,
  address        text NOT NULL CHECK (address ~ '^[^@[:space:]]+@[^@[:space:]]+$'
                                      AND length(address) <= 254),
  confirmed_by   text NOT NULL CHECK (btrim(confirmed_by) <> '' AND length(confirmed_by) <= 200),
  confirmed_how  text NOT NULL CHECK (confirmed_how IN ('phone', 'in_person', 'in_writing')),
  warning        text NOT NULL CHECK (btrim(warning) <> ''),
  recorded_by    text NOT NULL DEFAULT session_user,
  recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plain_email_confirmations_request_idx
  ON plain_email_confirmations (request_id, lower(address));

CREATE TABLE packet_deliveries (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id       bigint NOT NULL REFERENCES roi_requests,
  build_id         bigint NOT NULL REFERENCES record_packet_builds,
  method           text NOT NULL CHECK (method IN ('email', 'email_plain', 'media', 'print')),
  sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  encrypted        boolean NOT NULL,
  passphrase_given boolean NOT NULL,
  recipient        text CHECK (recipient IS NULL OR btrim(recipient) <> ''),
  server_reply     text CHECK (server_reply IS NULL OR btrim(server_reply) <> ''),
  confirmation_id  bigint REFERENCES plain_email_confirmations,
  delivered_by     text NOT NULL DEFAULT session_user,
  delivered_at     timestamptz NOT NULL DEFAULT now(),
  -- An encrypted copy cannot be opened without its passphrase.
  CHECK (encrypted = passphrase_given),
  CHECK (method NOT IN ('email', 'email_plain')
         OR (recipient IS NOT NULL AND server_reply IS NOT NULL)),
  CHECK (method <> 'email' OR encrypted),
  CHECK (method <> 'print' OR NOT encrypted),
  CHECK (method <> 'email_plain' OR (NOT encrypted AND confirmation_id IS NOT NULL)),
  CHECK (method = 'email_plain' OR confirmation_id IS NULL)
);
CREATE INDEX packet_deliveries_request_idx ON packet_deliveries (request_id, id);

CREATE FUNCTION plain_email_confirmations_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.recorded_by := session_user;
  NEW.recorded_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER plain_email_confirmations_stamp BEFORE INSERT ON plain_email_confirmations
  FOR EACH ROW EXECUTE FUNCTION plain_email_confirmations_stamp();

-- The build must be the request's; a plain e-mail needs the individual's
-- confirmation for this request and this address.
CREATE FUNCTION packet_deliveries_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM record_packet_builds
                  WHERE id = NEW.build_id AND request_id = NEW.request_id) THEN
    RAISE EXCEPTION 'build % is not a packet of request %', NEW.build_id, NEW.request_id
      USING ERRCODE = 'CS004';
  END IF;
  IF NEW.method = 'email_plain' AND NOT EXISTS (
       SELECT 1 FROM plain_email_confirmations c
        WHERE c.id = NEW.confirmation_id AND c.request_id = NEW.request_id
          AND lower(c.address) = lower(NEW.recipient)) THEN
    RAISE EXCEPTION 'unencrypted e-mail to % needs the individual''s confirmation on record, after the warning',
                    NEW.recipient
      USING ERRCODE = 'CS004';
  END IF;
  NEW.delivered_by := session_user;
  NEW.delivered_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER packet_deliveries_check BEFORE INSERT ON packet_deliveries
  FOR EACH ROW EXECUTE FUNCTION packet_deliveries_check();

CREATE TRIGGER plain_email_confirmations_append_only
  BEFORE UPDATE OR DELETE ON plain_email_confirmations
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER plain_email_confirmations_audit AFTER INSERT ON plain_email_confirmations
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER packet_deliveries_append_only BEFORE UPDATE OR DELETE ON packet_deliveries
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER packet_deliveries_audit AFTER INSERT ON packet_deliveries
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON plain_email_confirmations, packet_deliveries
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
ALTER TABLE plain_email_confirmations ENABLE ROW LEVEL SECURITY;
CREATE POLICY plain_email_confirmations_read ON plain_email_confirmations FOR SELECT USING (true);
ALTER TABLE packet_deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY packet_deliveries_read ON packet_deliveries FOR SELECT USING (true);

CREATE FUNCTION record_plain_email_confirmation(p_request_id bigint, p_address text,
                                                p_confirmed_by text, p_how text,
                                                p_warning text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators record a confirmation'
      USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM roi_requests WHERE id = p_request_id) THEN
    RAISE EXCEPTION 'no request %', p_request_id USING ERRCODE = 'CS004';
  END IF;
  INSERT INTO plain_email_confirmations (request_id, address, confirmed_by, confirmed_how, warning)
    VALUES (p_request_id, btrim(p_address), btrim(p_confirmed_by), p_how, p_warning)
    RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION record_plain_email_confirmation(bigint, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_plain_email_confirmation(bigint, text, text, text, text)
  TO custodian_clerk, custodian_admin;

CREATE FUNCTION record_packet_delivery(p_request_id bigint, p_build_id bigint, p_method text,
                                       p_sha256 text, p_encrypted boolean,
                                       p_passphrase_given boolean, p_recipient text,
                                       p_server_reply text, p_confirmation_id bigint)
  RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only the release-of-information desk and administrators deliver packets'
      USING ERRCODE = '42501';
  END IF;
  INSERT INTO packet_deliveries (request_id, build_id, method, sha256, encrypted,
                                 passphrase_given, recipient, server_reply, confirmation_id)
    VALUES (p_request_id, p_build_id, p_method, p_sha256, p_encrypted, p_passphrase_given,
            p_recipient, p_server_reply, p_confirmation_id)
    RETURNING id INTO new_id;
  RETURN new_id;
END $$;
REVOKE EXECUTE ON FUNCTION record_packet_delivery(bigint, bigint, text, text, boolean, boolean,
                                                  text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_packet_delivery(bigint, bigint, text, text, boolean, boolean,
                                                 text, text, bigint)
  TO custodian_clerk, custodian_admin;
