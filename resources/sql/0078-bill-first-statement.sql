-- The visit's first statement date on a stored bill (issue 21: statement
-- variants by the age of the balance).
--
-- A statement is a reminder, past due or a final notice by the days since
-- the visit's first statement (the template's *-after-days), and a final
-- notice names the first day the bill may go to collections: never before
-- 120 days from that first statement (IRC 501(r), statement-spec 3.1).
-- Without the date the age is unknown: the statement number decides, and
-- it is never a final notice.  Existing bills keep NULL.
ALTER TABLE bills ADD COLUMN first_statement_date date;
ALTER TABLE bills ADD CONSTRAINT bills_first_statement_not_after
  CHECK (first_statement_date IS NULL OR first_statement_date <= statement_date);
