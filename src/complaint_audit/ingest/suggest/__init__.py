"""`profile suggest`: a draft profile for an unknown export, every guess with its reason.

the export's format (ingest/formats/) reads a sample and finds the layout (header row,
delimiter, encoding, JSON stage lists); columns, dates and personal describe each column (its
kind, date order, whether it holds personal data); guess maps columns to canonical fields and source labels to canonical
values; draft assembles and writes the TOML.
"""
