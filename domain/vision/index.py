"""A multi-index hash table over 128-bit image codes: fast Hamming-radius queries (prop 41).

The code (pHash ‖ dHash) is cut into eight 16-bit pieces, each with its own table. Two codes
within distance ``r`` agree to within ``r // 8`` bits on at least one piece (pigeonhole), so a
query probes every piece's table at that small radius and checks the few candidates exactly
(Norouzi, Punjani & Fleet, "Fast search in Hamming space with multi-index hashing", 2012).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np

from domain.vision.hashing import Signature, hamming

PIECES = 8
PIECE_BITS = 16
_MASK = (1 << PIECE_BITS) - 1


@lru_cache(maxsize=8)
def _flips(radius: int) -> tuple[int, ...]:
    """Every 16-bit mask with at most ``radius`` bits set."""
    out = [0]
    for k in range(1, radius + 1):
        out.extend(sum(1 << b for b in bits) for bits in combinations(range(PIECE_BITS), k))
    return tuple(out)


def _pieces(code: int) -> list[int]:
    return [(code >> (PIECE_BITS * i)) & _MASK for i in range(PIECES)]


@dataclass(frozen=True)
class Hit:
    """One indexed entry within the radius, with its exact distance."""

    ref: Hashable
    bits: int
    signature: Signature


class HashIndex:
    """Signatures by reference (an image key or upload id), searchable by Hamming radius."""

    def __init__(self, entries: Iterable[tuple[Hashable, Signature]] = ()) -> None:
        self._tables: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(PIECES)]
        self._refs: list[Hashable] = []
        self._sigs: list[Signature] = []
        self._codes: list[int] = []
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None
        self._slot_of: dict[Hashable, int] = {}
        for ref, sig in entries:
            self.add(ref, sig)

    def __len__(self) -> int:
        return len(self._refs)

    def add(self, ref: Hashable, sig: Signature) -> None:
        """Index one more signature (uploads call this as they are stored)."""
        slot = len(self._refs)
        self._slot_of[ref] = slot
        self._refs.append(ref)
        self._sigs.append(sig)
        code = sig.code
        self._codes.append(code)
        self._arrays = None
        for table, piece in zip(self._tables, _pieces(code), strict=True):
            table[piece].append(slot)

    def signature_of(self, ref: Hashable) -> Signature:
        """The signature indexed under ``ref``."""
        return self._sigs[self._slot_of[ref]]

    def query(self, code: int, radius: int) -> list[Hit]:
        """Entries within ``radius`` bits of ``code``, nearest first."""
        flips = _flips(radius // PIECES)
        seen: set[int] = set()
        for table, piece in zip(self._tables, _pieces(code), strict=True):
            for mask in flips:
                bucket = table.get(piece ^ mask)
                if bucket:
                    seen.update(bucket)
        hits = []
        for slot in seen:
            bits = hamming(code, self._codes[slot])
            if bits <= radius:
                hits.append(Hit(self._refs[slot], bits, self._sigs[slot]))
        hits.sort(key=lambda h: h.bits)
        return hits

    def query_many(self, codes: Iterable[int], radius: int) -> dict[Hashable, Hit]:
        """The nearest hit per reference over several query codes (all windows of a copy)."""
        best: dict[Hashable, Hit] = {}
        for code in codes:
            for hit in self.query(code, radius):
                if hit.ref not in best or hit.bits < best[hit.ref].bits:
                    best[hit.ref] = hit
        return best

    def linear_scan(self, code: int, radius: int) -> list[Hit]:
        """The same answer by checking every entry (the baseline the benchmark compares to)."""
        hits = [
            Hit(r, b, s)
            for r, c, s in zip(self._refs, self._codes, self._sigs, strict=True)
            if (b := hamming(code, c)) <= radius
        ]
        hits.sort(key=lambda h: h.bits)
        return hits

    def numpy_scan(self, code: int, radius: int) -> list[Hashable]:
        """References within ``radius`` by a vectorised popcount over all entries."""
        if self._arrays is None:
            self._arrays = (
                np.array([c >> 64 for c in self._codes], dtype=np.uint64),
                np.array([c & ((1 << 64) - 1) for c in self._codes], dtype=np.uint64),
            )
        hi, lo = self._arrays
        bits = np.bitwise_count(hi ^ np.uint64(code >> 64)) + np.bitwise_count(
            lo ^ np.uint64(code & ((1 << 64) - 1))
        )
        return [self._refs[i] for i in np.flatnonzero(bits <= radius)]
