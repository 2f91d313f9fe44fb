"""The checks engine: the contract checks implement, the registry that finds them, the runner."""
