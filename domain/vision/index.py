"""An exact Hamming-radius index over 128-bit image codes, for theft checks (prop 41).

Every query compares against every entry: FAISS's flat binary index XORs and popcounts the
packed codes in native code, which over 100,000 codes beats both a multi-index hash table
(Norouzi et al. 2012; its probes grow as C(16, r/8) per piece) and a numpy popcount scan
(``python -m bench.bench_verification`` measures all three). A flat scan is exact by
construction: no candidate is lost to a probe radius.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import faiss
import numpy as np

from domain.vision.hashing import Signature, hamming

CODE_BYTES = 16
_LOW = (1 << 64) - 1

# One thread per search: queries are small and the server runs one search per request; OpenMP
# threads would contend with the other workers for the same cores.
faiss.omp_set_num_threads(1)


def pack(codes: Iterable[int]) -> np.ndarray:
    """128-bit codes as rows of 16 bytes (little-endian), the layout FAISS indexes."""
    data = b"".join(code.to_bytes(CODE_BYTES, "little") for code in codes)
    return np.frombuffer(data, dtype=np.uint8).reshape(-1, CODE_BYTES)


@dataclass(frozen=True)
class Hit:
    """One indexed entry within the radius, with its exact distance."""

    ref: Hashable
    bits: int
    signature: Signature


class HashIndex:
    """Signatures by reference (an image key or upload id), searchable by Hamming radius.

    Safe to share between threads: additions and searches take one lock, since FAISS may
    reallocate its code array while a search in another thread reads it.
    """

    def __init__(self, entries: Iterable[tuple[Hashable, Signature]] = ()) -> None:
        self._flat = faiss.IndexBinaryFlat(CODE_BYTES * 8)
        self._refs: list[Hashable] = []
        self._sigs: list[Signature] = []
        self._slot_of: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        self.add_many(entries)

    def __len__(self) -> int:
        return len(self._refs)

    def add(self, ref: Hashable, sig: Signature) -> None:
        """Index one more signature (uploads call this as they are stored)."""
        self.add_many([(ref, sig)])

    def add_many(self, entries: Iterable[tuple[Hashable, Signature]]) -> None:
        """Index several signatures at once (one FAISS call, for start-up and catch-up)."""
        batch = list(entries)
        if not batch:
            return
        with self._lock:
            for ref, sig in batch:
                self._slot_of[ref] = len(self._refs)
                self._refs.append(ref)
                self._sigs.append(sig)
            self._flat.add(pack(sig.code for _, sig in batch))

    def signature_of(self, ref: Hashable) -> Signature:
        """The signature indexed under ``ref``."""
        return self._sigs[self._slot_of[ref]]

    def query(self, code: int, radius: int) -> list[Hit]:
        """Entries within ``radius`` bits of ``code``, nearest first (ties in index order)."""
        return self.query_batch([code], radius)[0]

    def query_batch(self, codes: Iterable[int], radius: int) -> list[list[Hit]]:
        """:meth:`query` for several codes in one scan of the index."""
        queries = pack(codes)
        if radius < 0 or not len(queries):
            return [[] for _ in range(len(queries))]
        with self._lock:
            if not self._refs:
                return [[] for _ in range(len(queries))]
            # FAISS keeps distances strictly below the radius it is given.
            limits, dist, slots = self._flat.range_search(queries, radius + 1)
        out = []
        for q in range(len(queries)):
            lo, hi = int(limits[q]), int(limits[q + 1])
            order = np.lexsort((slots[lo:hi], dist[lo:hi]))
            out.append(
                [
                    Hit(self._refs[s], int(d), self._sigs[s])
                    for d, s in zip(dist[lo:hi][order], slots[lo:hi][order], strict=True)
                ]
            )
        return out

    def query_many(self, codes: Iterable[int], radius: int) -> dict[Hashable, Hit]:
        """The nearest hit per reference over several query codes (all windows of a copy)."""
        best: dict[Hashable, Hit] = {}
        for hits in self.query_batch(codes, radius):
            for hit in hits:
                if hit.ref not in best or hit.bits < best[hit.ref].bits:
                    best[hit.ref] = hit
        return best

    def linear_scan(self, code: int, radius: int) -> list[Hit]:
        """The same answer by checking every entry in Python (the brute-force reference)."""
        hits = [
            Hit(r, b, s)
            for r, s in zip(self._refs, self._sigs, strict=True)
            if (b := hamming(code, s.code)) <= radius
        ]
        hits.sort(key=lambda h: h.bits)
        return hits
