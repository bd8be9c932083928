-- Which hubs may put sessions in a series: a hub that owns a session there, or one an administrator
-- allowed. Filled from the sessions that exist; kept up to date when a session enters a series.
CREATE TABLE series_hubs (
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  hub_id    INTEGER NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
  PRIMARY KEY (series_id, hub_id)
) STRICT, WITHOUT ROWID;

INSERT OR IGNORE INTO series_hubs (series_id, hub_id)
  SELECT DISTINCT series_id, hub_id FROM sessions WHERE series_id IS NOT NULL;
