-- Before care: the hospital's price list (issue 21, estimates).
--
-- WHAT IS STORED
--   price_lists       one row per imported standard charges file (CMS
--                     price transparency, "tall" CSV 2.2 or 3.0): the
--                     hospital's name, the template version, the file's
--                     last_updated_on, and the day the list takes effect.
--                     The list in effect on a day is the one with the
--                     latest effective_from on or before it, as with the
--                     fee schedules.
--   price_list_items  per list, one row per item code: description, code
--                     type, gross charge and discounted cash price (NULL
--                     where the file gives none), in cents.
--   price_list_rates  per item, one row per payer and plan: the negotiated
--                     rate as dollars (cents), a percentage of the gross
--                     charge (hundredths of a percent), or an algorithm in
--                     words only.
--
-- WHO DOES WHAT
--   The file is checked in the client (cst-price-list.c) and stored in one
--   transaction (cst-price-list-repo.c), so nothing of a bad file is
--   stored.  Billing and administrators import; every role reads (clerks
--   and auditors see what an estimate was computed from).  Nobody updates
--   or deletes: a new file is a new list with its own effective date.  The
--   CHECKs below hold whatever a client sends.

CREATE TABLE price_lists (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hospital_name   text NOT NULL CHECK (btrim(hospital_name) <> ''),
  version         text NOT NULL CHECK (version ~ '^(2\.2|3\.)'),
  last_updated_on date NOT NULL,
  effective_from  date NOT NULL UNIQUE,
  imported_by     text NOT NULL DEFAULT session_user,
  imported_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE price_list_items (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  price_list_id bigint NOT NULL REFERENCES price_lists,
  code          text NOT NULL CHECK (code <> '' AND code = upper(code)),
  code_type     text NOT NULL CHECK (code_type <> ''),
  description   text NOT NULL CHECK (btrim(description) <> ''),
  gross_cents   bigint CHECK (gross_cents BETWEEN 0 AND 100000000000),
  cash_cents    bigint CHECK (cash_cents BETWEEN 0 AND 100000000000),
  source_line   integer NOT NULL CHECK (source_line >= 1),
  UNIQUE (price_list_id, code)
);

CREATE TABLE price_list_rates (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id            bigint NOT NULL REFERENCES price_list_items,
  payer_name         text NOT NULL CHECK (btrim(payer_name) <> ''),
  plan_name          text NOT NULL CHECK (btrim(plan_name) <> ''),
  dollar_cents       bigint CHECK (dollar_cents BETWEEN 0 AND 100000000000),
  percent_hundredths integer CHECK (percent_hundredths BETWEEN 0 AND 100000),
  algorithm          text CHECK (btrim(algorithm) <> ''),
  source_line        integer NOT NULL CHECK (source_line >= 1),
  CHECK (dollar_cents IS NOT NULL OR percent_hundredths IS NOT NULL OR algorithm IS NOT NULL),
  UNIQUE (item_id, payer_name, plan_name)
);

CREATE TRIGGER price_lists_no_change BEFORE UPDATE OR DELETE ON price_lists
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER price_list_items_no_change BEFORE UPDATE OR DELETE ON price_list_items
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER price_list_rates_no_change BEFORE UPDATE OR DELETE ON price_list_rates
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
-- The list itself is audited (who imported which file, when); its items
-- and rates are thousands of rows a list's row stands for.
CREATE TRIGGER price_lists_audit AFTER INSERT ON price_lists
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

GRANT SELECT ON price_lists, price_list_items, price_list_rates
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;
GRANT INSERT ON price_lists, price_list_items, price_list_rates
  TO custodian_billing, custodian_admin;
