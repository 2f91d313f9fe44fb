"""Export formats: one module per format, each with the reader of a whole export and of its head.

Readers do not interpret anything: text stays text (CSV), cells keep the type the file gave
them (Excel dates, JSON numbers), so that later steps can report a bad value exactly as the
source wrote it. Each frame carries `source_row`, the row a person would look up in the file.
A sample's columns are named exactly as the whole-export reader names them, so a draft
profile's column names match.
"""
