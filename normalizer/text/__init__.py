"""Text and names, normalized: pure functions used the same way on the gazetteer and on documents.

* ``keys``: where a name is folded (``fold``) and made romanization-blind (``translit_key``);
* ``translit``: Cyrillic names romanized by the Ukrainian and Russian schemes;
* ``prepare``: a document's text made safe for spaCy (format characters, surrogates, pieces),
  with every offset mapped back to the original.
"""
