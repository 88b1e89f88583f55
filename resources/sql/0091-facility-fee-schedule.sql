-- A facility's own fee schedule (issues 22 and 17): the hospital's own
-- amounts (kind 'facility' schedules, 0012) belong to a facility, not to
-- the whole health system.  Before this migration every facility-kind
-- schedule of a state priced every facility's requests in that state, so
-- one hospital's lower amounts were charged by its neighbours.
--
--   facilities.fee_schedule_key   the schedule_key of the facility's own
--                                 schedule, chosen by an administrator;
--                                 it must name a kind 'facility' schedule.
--                                 Empty: the facility has none of its own
--                                 and uses the hospital schedules no
--                                 facility has claimed (the single-hospital
--                                 setup keeps quoting what it quoted).
--   claimed_fee_schedules()       the keys some facility has claimed, for
--                                 every role (a clerk's quote must leave
--                                 out other facilities' schedules even
--                                 where row-level security hides them).
--   invoices_own_fee_schedule     an invoice priced with a hospital
--                                 schedule must be priced with its
--                                 request's facility's, whatever the
--                                 client quoted.

ALTER TABLE facilities
  ADD COLUMN fee_schedule_key text
    CHECK (fee_schedule_key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
COMMENT ON COLUMN facilities.fee_schedule_key IS
  'the schedule_key of this facility''s own (kind facility) fee schedule; NULL: none of its own';
GRANT UPDATE (fee_schedule_key) ON facilities TO custodian_admin;

CREATE FUNCTION facilities_check_fee_schedule() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.fee_schedule_key IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM fee_schedules s
        WHERE s.schedule_key = NEW.fee_schedule_key AND s.kind = 'facility') THEN
    RAISE EXCEPTION 'fee schedule % is not a hospital schedule (kind facility)', NEW.fee_schedule_key
      USING ERRCODE = 'CS004';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER facilities_check_fee_schedule
  BEFORE INSERT OR UPDATE OF fee_schedule_key ON facilities
  FOR EACH ROW EXECUTE FUNCTION facilities_check_fee_schedule();

-- Checks its caller like every owner-rights function (test-trust-release):
-- a login granted it by mistake still reads nothing.
CREATE FUNCTION claimed_fee_schedules() RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT caller_is_one_of(ARRAY['custodian_clerk', 'custodian_billing', 'custodian_auditor',
                                'custodian_admin']) THEN
    RAISE EXCEPTION 'only Custodian logins read which fee schedules facilities claim'
      USING ERRCODE = '42501';
  END IF;
  RETURN QUERY SELECT DISTINCT f.fee_schedule_key FROM facilities f
                WHERE f.fee_schedule_key IS NOT NULL;
END $$;
REVOKE EXECUTE ON FUNCTION claimed_fee_schedules() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claimed_fee_schedules()
  TO custodian_clerk, custodian_billing, custodian_auditor, custodian_admin;

-- Runs inside invoice_record (an owner-rights function) and for direct
-- inserts alike; it reads the facility's row as the owner.
CREATE FUNCTION invoices_own_fee_schedule() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  used text;
  own text;
BEGIN
  IF NEW.method <> 'state-schedule' OR NEW.schedule_version IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT s.schedule_key INTO used FROM fee_schedules s
   WHERE s.kind = 'facility' AND s.schedule_key || '@' || s.version = NEW.schedule_version;
  IF used IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT f.fee_schedule_key INTO own
    FROM roi_requests r JOIN facilities f ON f.id = r.facility_id
   WHERE r.id = NEW.request_id;
  IF own IS DISTINCT FROM used
     AND (own IS NOT NULL OR used IN (SELECT claimed_fee_schedules())) THEN
    RAISE EXCEPTION 'fee schedule % is another facility''s own; quote the request with its facility''s schedule',
      NEW.schedule_version USING ERRCODE = 'CS004';
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION invoices_own_fee_schedule() FROM PUBLIC;
CREATE TRIGGER invoices_own_fee_schedule BEFORE INSERT ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoices_own_fee_schedule();
