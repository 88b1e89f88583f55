-- Statements people can pay from their phone (issue 21, statements-access).
--
-- WHAT IS STORED
--   statement_pay_tokens  one row per statement printed with a pay link:
--                         the link's token (random, 144 bits, URL-safe
--                         base64, 24 characters), what the statement asked
--                         for (account number, statement date, amount due,
--                         and the stored statement when there is one), who
--                         issued it and when, and, once revoked, who revoked
--                         it, when and why.
--
--   The token is the only thing in the link and the QR code; it says
--   nothing about the patient (no MRN, no name).  The hospital's payment
--   portal looks the token up here; a revoked token pays nothing.  The
--   link is the facility's payment address (facilities.pay_link) followed
--   by "/" and the token (cst-statement-pay.c).
--
-- WHO DOES WHAT
--   Billing and administrators issue and revoke tokens, only through the
--   two owner-rights functions below (each checks the person logged in
--   with caller_is_one_of); nobody writes the table directly.  Billing,
--   auditors and administrators read it; clerks have no business with
--   bills (0030).  Nothing is deleted, and a row changes once: revoked.
--
-- AUDIT
--   Every issue and revocation goes to the audit log without the token
--   itself: the log is read by every role, and a token is as good as the
--   link.

CREATE TABLE statement_pay_tokens (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token             text NOT NULL UNIQUE CHECK (token ~ '^[A-Za-z0-9_-]{24}$'),
  bill_statement_id bigint REFERENCES bill_statements (id),
  account_number    text CHECK (account_number IS NULL OR
                                (btrim(account_number) <> '' AND length(account_number) <= 64)),
  statement_date    date NOT NULL,
  amount_due_cents  bigint NOT NULL CHECK (amount_due_cents BETWEEN 0 AND 100000000000),
  issued_by         text NOT NULL DEFAULT session_user,
  issued_at         timestamptz NOT NULL DEFAULT now(),
  revoked_by        text,
  revoked_at        timestamptz,
  revoke_reason     text CHECK (revoke_reason IS NULL OR
                                (btrim(revoke_reason) <> '' AND length(revoke_reason) <= 500)),
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND
         (revoked_at IS NULL) = (revoke_reason IS NULL))
);

-- A token is revoked once, and nothing else about it ever changes.
CREATE FUNCTION statement_pay_tokens_revoke_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
     OR (to_jsonb(NEW) - ARRAY['revoked_by', 'revoked_at', 'revoke_reason'])
        IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['revoked_by', 'revoked_at', 'revoke_reason']) THEN
    RAISE EXCEPTION 'a statement pay token is only ever revoked, once' USING ERRCODE = 'CS005';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER statement_pay_tokens_revoke_only BEFORE UPDATE OR DELETE ON statement_pay_tokens
  FOR EACH ROW EXECUTE FUNCTION statement_pay_tokens_revoke_only();

-- audit_row_change() without the token: the audit log is every role's to read.
CREATE FUNCTION statement_pay_tokens_audit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO audit_log (actor, table_name, row_id, action, old_row, new_row)
  VALUES (session_user, TG_TABLE_NAME, NEW.id, TG_OP,
          CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) - 'token' END,
          to_jsonb(NEW) - 'token');
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION statement_pay_tokens_audit() FROM PUBLIC;
CREATE TRIGGER statement_pay_tokens_audit AFTER INSERT OR UPDATE ON statement_pay_tokens
  FOR EACH ROW EXECUTE FUNCTION statement_pay_tokens_audit();

GRANT SELECT ON statement_pay_tokens TO custodian_billing, custodian_auditor, custodian_admin;

-- Issues a new token for a statement and returns it.  The token is made
-- here, from the server's strong random source (gen_random_uuid, 122
-- random bits each; two of them hashed give 144 bits for 24 characters),
-- so no client chooses or weakens one.
CREATE FUNCTION statement_pay_token_issue(p_account_number text, p_statement_date date,
                                          p_amount_due_cents bigint,
                                          p_bill_statement_id bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_token text;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_billing', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only billing and administrators issue statement pay links'
      USING ERRCODE = '42501';
  END IF;
  new_token := translate(encode(substring(sha256(uuid_send(gen_random_uuid()) ||
                                                 uuid_send(gen_random_uuid())) FROM 1 FOR 18),
                                'base64'), '+/', '-_');
  INSERT INTO statement_pay_tokens (token, bill_statement_id, account_number, statement_date,
                                    amount_due_cents)
    VALUES (new_token, p_bill_statement_id, NULLIF(btrim(p_account_number), ''),
            p_statement_date, p_amount_due_cents);
  RETURN new_token;
END $$;
REVOKE EXECUTE ON FUNCTION statement_pay_token_issue(text, date, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION statement_pay_token_issue(text, date, bigint, bigint)
  TO custodian_billing, custodian_admin;

-- Revokes a token, with the reason; a token not issued, or revoked
-- already, is refused naming which.
CREATE FUNCTION statement_pay_token_revoke(p_token text, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  issued statement_pay_tokens;
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_billing', 'custodian_admin']) THEN
    RAISE EXCEPTION 'only billing and administrators revoke statement pay links'
      USING ERRCODE = '42501';
  END IF;
  IF p_reason IS NULL OR btrim(p_reason) = '' THEN
    RAISE EXCEPTION 'say why the pay link is revoked' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO issued FROM statement_pay_tokens WHERE token = p_token FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no statement pay link has this token' USING ERRCODE = 'CS004';
  END IF;
  IF issued.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION 'this pay link was revoked already, on %', issued.revoked_at::date
      USING ERRCODE = '55000';
  END IF;
  UPDATE statement_pay_tokens
     SET revoked_by = session_user, revoked_at = now(), revoke_reason = btrim(p_reason)
   WHERE id = issued.id;
END $$;
REVOKE EXECUTE ON FUNCTION statement_pay_token_revoke(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION statement_pay_token_revoke(text, text)
  TO custodian_billing, custodian_admin;
