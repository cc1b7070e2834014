"""Writes to the journal: records (REST and sync alike) and the sync protocol."""
