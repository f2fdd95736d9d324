"""The import of the foundation's own records: a spreadsheet checked, previewed, committed whole.

A data officer's CSV or XLSX of beneficiaries, placements, interventions, published figures or
follow-ups (dated visits of those records, by their keys) is read as spreadsheets really are,
every rule is checked before anything is written, and a file with one error writes nothing; a
valid file is committed in one transaction with its ``import_batch``, and any batch can be
rolled back. The rules are small functions in registries
(``checks``, ``warehouse_checks``), each registered for the record kinds it applies to. Callers
import the module they need (``from lib.ingest import pipeline, transaction, report``). Pure: no
module here imports streamlit (the page is ``lib.ui.admin``).

Modules, in reading order:

- ``fields``: the five kinds of file, their columns, headers and examples;
- ``text``: cleaning a cell, folding a word so that spellings meet;
- ``report``: ``Problem``, the messages that say which cell to fix, the report and its CSV;
- ``readers``: bytes to a table (encodings, separators, CSV, XLSX, size limits);
- ``header``: where the header is, which column is which field, personal columns refused;
- ``reference``: regions, centres, sectors, types and their spellings, from the warehouse;
- ``cells``: one registered parser per kind of value (number, date, region, sex...);
- ``checks``: the table and record rules, registered per kind;
- ``warehouse_checks``: the rules against what the warehouse holds, registered per kind;
- ``pipeline``: ``parse`` (the loop that runs the registries) and ``preview``;
- ``transaction``: ``commit``, ``rollback`` and the list of batches;
- ``templates``: the downloadable XLSX and CSV templates.
"""
