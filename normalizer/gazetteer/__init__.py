"""The analysts' gazetteer: YAML files in layers, read safely, merged by id and checked.

* ``yamlio``: where YAML is read (line numbers kept; aliases, deep nesting, control characters refused);
* ``schema``: what an entry is, and how one YAML item becomes an ``Entry`` or a located error;
* ``load``: the layers (shipped, then ``--gazetteer`` paths), merged and validated;
* ``names``: every name of every entry by its matching keys (``NameIndex``);
* ``judgements``: the analysts' ``not:`` judgements;
* ``edit``: minimal, atomic edits of an analyst's file (used by ``gazetteer apply``).
"""
