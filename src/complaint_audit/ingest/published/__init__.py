"""Figures others publish about the audited body, read as published and set beside its own records.

ombudsman: the ombudsman's annual figures per organisation (through a profile of their
columns); regulator: the Regulator of Social Housing's Tenant Satisfaction Measures (CH01, CH02)
from its full-data workbook.
"""
