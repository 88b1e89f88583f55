-- The 42 CFR 2.32 notice's wording (issue 18).  0066 shipped the notice
-- without its text, which the reference material did not give; a packet
-- with Part 2 records was refused until an administrator entered it.
--
-- The 2024 final rule (89 FR 12472, Feb. 16, 2024; compliance date
-- 2026-02-16) lets each disclosure made with the patient's consent carry
-- either of two statements, 2.32(a)(1) or (a)(2).  This ships the second,
-- the regulation's own short statement, word for word; a hospital that
-- prefers the first enters it as a newer version (custodian-cli notice
-- add).  Where it was read, and when: resources/seed/notice-sources.md.
--
-- A version cannot share 0066's date (UNIQUE (code, effective_from)), so
-- it takes effect the day after the compliance date: the day in between
-- is history, when no wording was on file here.
INSERT INTO release_notices (code, title, citation, jurisdiction, category, wording, source,
                             effective_from) VALUES
  ('part2_redisclosure', 'Prohibition on re-disclosure', '42 CFR 2.32(a)(2)', NULL, 'part2',
   '42 CFR part 2 prohibits unauthorized use or disclosure of these records.',
   '42 CFR 2.32(a)(2) as amended by the final rule of 2024 (89 FR 12472, Feb. 16, 2024); see resources/seed/notice-sources.md',
   DATE '2026-02-17');
