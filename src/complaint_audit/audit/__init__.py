"""An audit run, end to end: load, check, write the run folder and its reports; and the runs before it.

run: one run of audit.toml into a run folder (the manifest is its last step); per_organisation and
organisations: a report per organisation where the exports hold several; results and headline:
results.json and its headline figures; run_folder: the run folder's file names and its manifest,
written and read back; history: the earlier runs in the output folder (trend, pruning); exit_codes: what the command's exit code says; scaffold: `init`'s audit folder.
Nothing is imported here, so the command line starts without pandas.
"""
