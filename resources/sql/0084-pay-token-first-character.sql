-- A pay token begins with a letter or a digit (issue 21).  0073 made the
-- token from URL-safe base64, so one in 32 began with "-" or "_"; on a
-- command line a token beginning with "-" reads as an option, and staff
-- read tokens aloud and type them.  A token is drawn again until its first
-- character is a letter or a digit: 62 of 64 first characters, the other
-- 138 bits untouched.  Tokens already issued stay as they are (a link on
-- paper must keep working); the CLI takes one after "--".
CREATE OR REPLACE FUNCTION statement_pay_token_issue(p_account_number text, p_statement_date date,
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
  LOOP
    new_token := translate(encode(substring(sha256(uuid_send(gen_random_uuid()) ||
                                                   uuid_send(gen_random_uuid())) FROM 1 FOR 18),
                                  'base64'), '+/', '-_');
    EXIT WHEN left(new_token, 1) ~ '^[A-Za-z0-9]$';
  END LOOP;
  INSERT INTO statement_pay_tokens (token, bill_statement_id, account_number, statement_date,
                                    amount_due_cents)
    VALUES (new_token, p_bill_statement_id, NULLIF(btrim(p_account_number), ''),
            p_statement_date, p_amount_due_cents);
  RETURN new_token;
END $$;
