"""Which name keys the index holds, answered in memory: most names a text offers are no place at all.

The index stores a sorted array of the 32-bit CRC of every distinct key of its ``names`` table
(:func:`key_hashes`, written at build time into the ``key_filter`` table). A key whose hash is not in
it is surely not in the index, so :meth:`normalizer.world.index.GeoNamesIndex.candidates` answers it
without a query; a hash that is in it (a few in ten thousand collide by chance) costs the query, so
answers never change. A lookup first reads one bit of a bitmap indexed by the hash's top
``BITMAP_BITS`` bits (made once from the array: most keys asked for are refused there, in plain
Python), and only for a set bit does a binary search over the array (``numpy.searchsorted``).
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np

KEY_FILTER_TABLE = "key_filter"
BITMAP_BITS = 25  # 4 MB of bits; about 1 in 40 set for a million keys
_SHIFT = 32 - BITMAP_BITS


def key_hash(key: str) -> int:
    """The 32-bit hash a key is filed under (CRC-32 of its UTF-8 bytes: stable across runs and machines)."""
    return zlib.crc32(key.encode("utf-8"))


def key_hashes(keys: Iterable[str]) -> bytes:
    """The sorted, distinct hashes of ``keys``, as the bytes the index stores."""
    hashes = np.fromiter((key_hash(key) for key in keys), dtype=np.uint32)
    return np.unique(hashes).astype("<u4").tobytes()


class KeyFilter:
    """``key in filter``: False only for keys the index surely lacks (``stored`` None: it may hold any)."""

    __slots__ = ("_hashes", "_bits")

    def __init__(self, stored: bytes | None) -> None:
        self._hashes = None if stored is None else np.frombuffer(stored, dtype="<u4")
        self._bits = b"" if self._hashes is None else _bitmap(self._hashes)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        hashes = self._hashes
        if hashes is None:
            return True
        hashed = key_hash(key)
        top = hashed >> _SHIFT
        if not self._bits[top >> 3] >> (top & 7) & 1:
            return False  # no stored hash has these top bits
        wanted = np.uint32(hashed)  # a Python int would make numpy cast the whole array
        i = int(hashes.searchsorted(wanted))
        return i < len(hashes) and hashes[i] == wanted

    def __len__(self) -> int:
        """How many distinct hashes it holds (0 when it may hold any key)."""
        return 0 if self._hashes is None else len(self._hashes)


def _bitmap(hashes: np.ndarray) -> bytes:
    """Bit ``h >> _SHIFT`` (little-endian within each byte) set for every stored hash ``h``."""
    bits = np.zeros(1 << BITMAP_BITS, dtype=bool)
    bits[hashes >> _SHIFT] = True
    return np.packbits(bits, bitorder="little").tobytes()
