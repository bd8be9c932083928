-- Lists are read a page at a time, in index order, never sorted whole.
-- list_at: where a session stands on the home page (its start; a tentative session without a date
-- stands on its rough day: early 5th, mid 15th, late 25th of its month; else when it was created).
-- order_at: the API's order (its start, else when it was created).
-- Both are virtual columns (computed from the row, nothing to keep in step) with an index each;
-- the id in every index breaks ties, so that a page's last (key, id) says where the next begins.
ALTER TABLE sessions ADD COLUMN list_at INTEGER GENERATED ALWAYS AS (
  coalesce(
    start_utc,
    CAST(unixepoch(approx_month || '-' || CASE approx_part WHEN 'early' THEN '05' WHEN 'late' THEN '25' ELSE '15' END) AS INTEGER) * 1000,
    created_at
  )
) VIRTUAL;
ALTER TABLE sessions ADD COLUMN order_at INTEGER GENERATED ALWAYS AS (coalesce(start_utc, created_at)) VIRTUAL;

-- Upcoming: soonest first. Past: latest first, ties in id order (as the page showed them before paging).
CREATE INDEX sessions_list ON sessions(list_at, id);
CREATE INDEX sessions_list_past ON sessions(list_at DESC, id);
CREATE INDEX sessions_order ON sessions(order_at, id);
