-- The fixed lists of the follow-ups, with their names: kind (follow_up_status, closure_reason),
-- code, name_fr, name_ar, name_en, applies_to (beneficiary, placement, both; NULL for a reason).
SELECT 'follow_up_status' AS kind, code, name_fr, name_ar, name_en, applies_to, sort_order
FROM follow_up_status
UNION ALL
SELECT 'closure_reason', code, name_fr, name_ar, name_en, NULL, sort_order
FROM closure_reason
ORDER BY kind, sort_order;
