"""Source adapters (one package per upstream) and the record model they return."""
