"""The spaCy component and the stages a document goes through, in data-path order.

``load`` builds the pipeline (``PipelineConfig``); ``component`` is the ``entity_normalizer``
factory; ``mentions`` runs the stages: NER spans cleaned (``rules``), place spans repaired
(``place_spans``, ``place_lists``, ``toponyms``), curated names found in the text, everything resolved
(``resolve``: where candidates are ranked), provisional ids (``nil``); ``records`` turns a Doc
into plain records. ``geoparse`` holds the opt-in geoparsing conventions.
"""
