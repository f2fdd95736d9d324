-- An import batch names the workbook's sheet it read: two sheets of one workbook are two imports.
ALTER TABLE import_batch ADD COLUMN sheet VARCHAR;
