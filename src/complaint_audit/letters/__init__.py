"""Response letters as councils keep them (Word, PDF, e-mail files): their text, their case and stage, matched to records.

`attach.attach_letters` is the one call: the load runs it on the records it is about to store.
"""
