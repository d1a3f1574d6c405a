"""Places of the whole world: the compiled GeoNames index and how a place name picks its place.

Runtime: ``index`` (the SQLite index and its cache), ``index_file`` (checking, publishing and
pruning index files), ``places`` (candidates of a name ranked against the document's evidence),
``distance``, ``abbreviations`` (press abbreviations of states and provinces), ``demonyms``.
Build (imported only when an index is compiled): ``build`` (the default index from installed
packages), ``regions`` (subdivisions and US counties), ``dump`` (GeoNames dump files), ``writer``
(the index's tables and name keys), ``json_stream`` (reading the big JSON files one record at a time).
"""
