"""Similar pairs without comparing every pair: blocking on rare terms, top-k neighbours.

Two texts can only be similar if they share a term. A term shared by very many texts
("said", "government") links everything to everything and would make the comparison
quadratic, while a rare term (a place, a name, a figure) is what makes two texts about the
same thing. So candidates are the pairs that share at least one term held by at most
``max_df`` texts, each text keeps its ``top_k`` best candidates by that rare-term score, and
only those candidates get their exact cosine (rare part plus the frequent terms' part).
Each text's cost is bounded by (its terms) x ``max_df``, so the total grows linearly with the
number of texts as long as stories do not grow with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from credence import relations
from credence.term_weights import idf_weights


def term_matrix(term_lists: Iterable[Sequence[str]], chunk: int = 1024) -> tuple[sp.csr_matrix, np.ndarray]:
    """Counts of each text's terms, and the terms of its columns (in order of first appearance).

    ``term_lists`` may be a generator: texts are read ``chunk`` at a time, so the term
    strings of the whole night never sit in memory together, only their column numbers.
    """
    vocabulary: dict[str, int] = {}
    parts: list[sp.csr_matrix] = []
    iterator = iter(term_lists)
    while batch := list(islice(iterator, chunk)):
        lengths = np.fromiter((len(terms) for terms in batch), dtype=np.int64, count=len(batch))
        ids, uniques = pd.factorize(np.asarray([term for terms in batch for term in terms], dtype=object))
        # Chunk uniques come in first-seen order, so the night's columns do too.
        columns = np.fromiter((vocabulary.setdefault(term, len(vocabulary)) for term in uniques), dtype=np.int64, count=len(uniques))[ids]
        part = sp.csr_matrix((np.ones(len(ids)), (np.repeat(np.arange(len(batch)), lengths), columns)), shape=(len(batch), len(vocabulary)))
        part.sum_duplicates()
        parts.append(part)
    if not vocabulary:
        return sp.csr_matrix((sum(part.shape[0] for part in parts), 1)), np.array([""], dtype=object)
    for part in parts:
        part.resize((part.shape[0], len(vocabulary)))
    return sp.vstack(parts, format="csr"), np.fromiter(vocabulary, dtype=object, count=len(vocabulary))


def group_chunks(groups: np.ndarray, max_rows: int) -> list[np.ndarray]:
    """Row positions of whole groups, packed into chunks of about ``max_rows`` rows.

    Work that is exact per group (a story) can run chunk by chunk and hold only one chunk's
    intermediate data; a group larger than ``max_rows`` is a chunk of its own.
    """
    if len(groups) == 0:
        return []
    codes = pd.factorize(groups)[0]
    order = np.argsort(codes, kind="stable")
    members = np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)
    chunks: list[np.ndarray] = []
    current: list[np.ndarray] = []
    size = 0
    for group in members:
        if current and size + len(group) > max_rows:
            chunks.append(np.sort(np.concatenate(current)))
            current, size = [], 0
        current.append(group)
        size += len(group)
    chunks.append(np.sort(np.concatenate(current)))
    return chunks


def tfidf_rows(counts: sp.csr_matrix, vocabulary: np.ndarray, text_words: int) -> sp.csr_matrix:
    """Sublinear TF-IDF rows, L2-normalised, with idf from English word frequencies.

    Not from the texts themselves: a text's vector, and so its similarity to another text,
    must not change with whatever else is in the night's corpus (see ``term_weights``).
    """
    return relations.tfidf(counts, idf_weights(vocabulary, text_words))


def _split_columns(vectors: sp.csr_matrix, keep: np.ndarray) -> sp.csr_matrix:
    """The matrix with only the entries of the columns where ``keep`` is true."""
    part = vectors.copy()
    part.data = np.where(keep[part.indices], part.data, 0.0)
    part.eliminate_zeros()
    return part


def neighbour_pairs(
    vectors: sp.csr_matrix, threshold: float, *, max_df: int, top_k: int, chunk: int = 2048
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) of L2-normalised rows whose cosine is at least ``threshold``, found by blocking.

    Returns the left indices, right indices and cosines, sorted by (left, right).
    """
    vectors = sp.csr_matrix(vectors)
    n = vectors.shape[0]
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    rare_columns = (frequency >= 2) & (frequency <= max_df)
    rare = _split_columns(vectors, rare_columns)
    frequent = _split_columns(vectors, ~rare_columns)
    rare_transposed = rare.T.tocsr()
    lefts, rights, cosines = [], [], []
    for start in range(0, n, chunk):
        block = (rare[start : start + chunk] @ rare_transposed).tocsr()
        rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr)) + start
        columns, scores = block.indices.astype(np.int64), block.data
        keep = (columns != rows) & (scores > 0)  # a text is not its own neighbour
        rows, columns, scores = rows[keep], columns[keep], scores[keep]
        # The top_k candidates of each row by rare-term score.
        order = np.lexsort((-scores, rows))
        rows, columns, scores = rows[order], columns[order], scores[order]
        first = np.searchsorted(rows, rows, side="left")
        best = (np.arange(len(rows)) - first) < top_k
        rows, columns, scores = rows[best], columns[best], scores[best]
        exact = scores + relations.row_dots(frequent, rows, columns)
        passing = exact >= threshold
        lefts.append(np.minimum(rows, columns)[passing])
        rights.append(np.maximum(rows, columns)[passing])
        cosines.append(exact[passing])
    left, right, cosine = np.concatenate(lefts), np.concatenate(rights), np.concatenate(cosines)
    # A pair found from both ends appears twice.
    _, unique_positions = np.unique(left * n + right, return_index=True)
    return left[unique_positions], right[unique_positions], cosine[unique_positions]


def pairs_within_groups(
    vectors: sp.csr_matrix, groups: np.ndarray, threshold: float, *, max_group: int, max_df: int, top_k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) of rows of one group (a story) whose cosine is at least ``threshold``.

    Every pair inside a group is compared, so the cost is the sum of the squared group sizes:
    linear in the night while stories keep their size. A group larger than ``max_group``
    falls back to the rare-term blocking of ``neighbour_pairs``.
    """
    vectors = sp.csr_matrix(vectors)
    codes = pd.factorize(groups)[0]
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    lefts, rights, cosines = [], [], []
    for members in np.split(order, bounds):
        if len(members) < 2:
            continue
        members = np.sort(members)
        block = vectors[members]
        if len(members) > max_group:
            left, right, cosine = neighbour_pairs(block, threshold, max_df=max_df, top_k=top_k)
        else:
            products = sp.triu(block @ block.T, k=1).tocoo()
            passing = products.data >= threshold
            left, right, cosine = products.row[passing], products.col[passing], products.data[passing]
        lefts.append(members[left])
        rights.append(members[right])
        cosines.append(cosine)
    if not lefts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    left, right, cosine = np.concatenate(lefts).astype(np.int64), np.concatenate(rights).astype(np.int64), np.concatenate(cosines)
    order = np.lexsort((right, left))
    return left[order], right[order], cosine[order]


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes linked by the edges (left[k], right[k])."""
    graph = sp.csr_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def capped_components(n: int, left: np.ndarray, right: np.ndarray, weight: np.ndarray, *, max_size: int, step: float) -> np.ndarray:
    """Connected components of the weighted links, where a component of more than ``max_size``
    nodes is split again over only its links at least ``step`` stronger, until every part fits.

    Weak links chain: in a large night every story is a few weak links from the next, and
    plain components grow into one (62,768 of 100,000 synthetic articles at a cosine of 0.2).
    A story's own links are the strong ones, so raising the bar inside a component that grew
    too large cuts the chains and keeps the stories. Components that fit keep every link, so
    a night without such a component gets exactly its plain components.
    """
    labels = components(n, left, right)
    threshold = float(weight.min()) if len(weight) else 0.0
    while True:
        sizes = np.bincount(labels, minlength=1)
        oversize = sizes[labels] > max_size
        if not oversize.any():
            return labels
        threshold += step
        # Both ends of a link share a component, so its left end says whether it is oversize.
        keep = ~oversize[left] | (weight >= threshold)
        left, right, weight = left[keep], right[keep], weight[keep]
        labels = components(n, left, right)


def first_seen_numbering(labels: np.ndarray) -> np.ndarray:
    """Relabel components 1, 2, 3 ... in order of their first member."""
    _, first_positions, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first_positions), dtype=np.int64)
    rank[np.argsort(first_positions, kind="stable")] = np.arange(1, len(first_positions) + 1)
    return rank[inverse]
