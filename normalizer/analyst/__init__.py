"""The analysts' tools over the gazetteer: lookup, suggest, patches and apply, stats, evaluation."""
