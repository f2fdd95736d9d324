-- Published figures say whether their source already made them public (the seed's are).
ALTER TABLE published_figure ADD COLUMN already_public BOOLEAN DEFAULT false;
UPDATE published_figure SET already_public = true WHERE figure_id < 1000000;
