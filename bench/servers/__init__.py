"""The servers the fan-out bench starts: the two baselines, and ours through bench.settings."""
