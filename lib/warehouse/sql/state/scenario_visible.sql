-- The saved scenarios one person may see, newest first: all of them (:see_all, an administrator),
-- their own (:viewer), those saved while the app was open to all (:open_authors, a JSON list of
-- the demonstration mode's author names), and, when signed in (:signed_in), the shared ones.
SELECT s.scenario_id, s.name, s.author, s.created_at, s.inputs, s.results,
       sh.scenario_id IS NOT NULL AS shared
FROM scenario AS s
LEFT JOIN scenario_share AS sh ON sh.scenario_id = s.scenario_id
WHERE :see_all
   OR s.author = :viewer
   OR s.author IN (SELECT value FROM json_each(:open_authors))
   OR (:signed_in AND sh.scenario_id IS NOT NULL)
ORDER BY s.created_at DESC, s.scenario_id DESC;
