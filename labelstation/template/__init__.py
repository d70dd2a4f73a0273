"""Label templates: model, schema, expressions, canonical hash, layout to a display list."""
