-- "Remplacer les données de démonstration": every demo record goes, in the import's transaction.
DELETE FROM beneficiary WHERE is_demo;
DELETE FROM placement WHERE is_demo;
DELETE FROM intervention WHERE is_demo;
DELETE FROM follow_up WHERE is_demo;
