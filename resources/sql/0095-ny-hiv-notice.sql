-- New York's re-disclosure statement for confidential HIV-related
-- information (issue 18, pagefirst slice): the first state notice shipped
-- as data beside the authorization checklist (0066's release_notices;
-- the checklist's own 'ny_hiv' element, 0040, asks for the explicit
-- authorization such a disclosure needs).
--
-- WHAT CHANGES
--   A second sensitive category, 'hiv', for record_kind_categories and
--   release_notices (0066 allowed only 'part2'), with the record kinds the
--   checklist's wording names, and the notice for New York requests whose
--   packet has records of that category.  Requests of other states get no
--   such page: packet_notices() already matches the request's state.
--
-- THE WORDING
--   N.Y. Public Health Law 2782(5) requires every disclosure of confidential
--   HIV-related information (except to the protected individual) to carry a
--   statement prohibiting re-disclosure; the Department of Health's rule
--   for health facilities, 10 NYCRR 63.5(b), gives the statement's
--   language.  The wording below is 63.5(b)'s, word for word, as read in the
--   New York Codes, Rules and Regulations (regulations.justia.com, "Current
--   through Register Vol. 46, No. 39, September 25, 2024") on 2026-12-06;
--   the statute's subdivision 5 itself was not reachable from this
--   workplace.  9 NYCRR 367.6(a) (probation) gives a close variant of the
--   first four sentences ("that are protected by state law", "is not
--   sufficient authorization") and not the fifth.  Where it was
--   read: resources/seed/notice-sources.md.  The date is that of the text
--   as read, not of the rule's adoption: earlier packets are history.

ALTER TABLE record_kind_categories DROP CONSTRAINT record_kind_categories_category_check,
  ADD CONSTRAINT record_kind_categories_category_check CHECK (category IN ('part2', 'hiv'));
ALTER TABLE release_notices DROP CONSTRAINT release_notices_category_check,
  ADD CONSTRAINT release_notices_category_check CHECK (category IN ('part2', 'hiv'));

-- As the checklist says it ("confidential HIV-related information"); a
-- hospital adds its own kinds.
INSERT INTO record_kind_categories (kind, category) VALUES
  ('hiv-related information', 'hiv'),
  ('confidential hiv-related information', 'hiv');

INSERT INTO release_notices (code, title, citation, jurisdiction, category, wording, source,
                             effective_from) VALUES
  ('ny_hiv_redisclosure', 'Confidential HIV-related information: prohibition on re-disclosure',
   'N.Y. Public Health Law 2782(5); 10 NYCRR 63.5(b)', 'NY', 'hiv',
   'This information has been disclosed to you from confidential records which are protected by State law. State law prohibits you from making any further disclosure of this information without the specific written consent of the person to whom it pertains, or as otherwise permitted by law. Any unauthorized further disclosure in violation of State law may result in a fine or jail sentence or both. A general authorization for the release of medical or other information is not, except in limited circumstances set forth in this Part, sufficient authorization for further disclosure. Disclosure of confidential HIV information that occurs as the result of a general authorization for the release of medical or other information will be in violation of the State law and may result in a fine or a jail sentence or both.',
   '10 NYCRR 63.5(b) (N.Y. Department of Health, under Public Health Law article 27-F), current through Register Vol. 46, No. 39, Sept. 25, 2024; see resources/seed/notice-sources.md',
   DATE '2024-09-25');
