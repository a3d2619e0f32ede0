"""The intent classifier: TF-IDF over words and character n-grams, logistic regression.

Character n-grams make it tolerant of ASR spelling slips ("golden prize"); probabilities
are what the planner compares with its confidence threshold.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from agents.nlu.hindi import to_english

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_IDS = re.compile(r"\b([cbpok])(?:\s?-\s?\d+|\s\d{2,})\b", re.I)  # "p-00012", "p 00012"


def prepare(text: str) -> str:
    """Normalise what varies but carries no intent.

    Hindi and Hinglish are read through their English gloss; ids and digits become placeholders.
    """
    # The kind of id is kept ("c-0297" is a seller, "p-00012" a product): it tells tools apart.
    text = _IDS.sub(lambda m: f" {m.group(1)}id ", to_english(text).lower())
    return _DIGITS.sub(" NUM ", text)


@dataclass(frozen=True)
class Prediction:
    """The best intent, its probability, and every intent from most to least likely."""

    intent: str
    confidence: float
    ranking: list[tuple[str, float]]


class IntentClassifier:
    """Fit on ``(text, intent)`` pairs; predict with calibrated-enough probabilities."""

    def __init__(self, c: float = 8.0) -> None:
        features = FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ])
        self.pipeline = Pipeline([
            ("features", features),
            ("model", LogisticRegression(C=c, max_iter=2000, class_weight="balanced")),
        ])
        self.vocabulary: frozenset[str] = frozenset()
        self._fitted_parts: tuple[np.ndarray, list[_TfidfPart]] | None = None

    def fit(self, pairs: list[tuple[str, str]]) -> IntentClassifier:
        """Train on the corpus; also remember its words (they are not place names)."""
        texts = [prepare(t) for t, _ in pairs]
        self.pipeline.fit(texts, [i for _, i in pairs])
        self.vocabulary = self.words_of(pairs)
        return self

    @staticmethod
    def words_of(pairs: list[tuple[str, str]]) -> frozenset[str]:
        """The words of the utterances of ``pairs``, as the classifier reads them."""
        return frozenset(w for t, _ in pairs for w in re.findall(r"[a-z]+", prepare(t)))

    @property
    def intents(self) -> list[str]:
        """The known intents."""
        return list(self.pipeline.classes_)

    def predict(self, text: str) -> Prediction:
        """The most likely intent of ``text``.

        Same numbers as ``pipeline.predict_proba``, computed from the fitted parts directly:
        sklearn's per-call validation and sparse matrices cost ~1.3 ms a message, counting a
        few dozen n-grams in Python ~0.1 ms.
        """
        doc = prepare(text)
        model = self.pipeline["model"]
        scores = model.intercept_.copy()
        for part in self._parts():
            scores += part.scores(doc)
        proba = np.exp(scores - scores.max())
        proba /= proba.sum()
        order = np.argsort(proba)[::-1]
        classes = model.classes_
        ranking = [(str(classes[i]), float(proba[i])) for i in order]
        return Prediction(ranking[0][0], ranking[0][1], ranking)

    def _parts(self) -> list[_TfidfPart]:
        """Each fitted vectorizer with its slice of the model's weights (made once after fit)."""
        model = self.pipeline["model"]
        if self._fitted_parts is None or self._fitted_parts[0] is not model.coef_:
            parts, start = [], 0
            for _, vec in self.pipeline["features"].transformer_list:
                end = start + len(vec.vocabulary_)
                parts.append(_TfidfPart(vec, model.coef_[:, start:end]))
                start = end
            self._fitted_parts = (model.coef_, parts)
        return self._fitted_parts[1]


class _TfidfPart:
    """One fitted ``TfidfVectorizer`` (sublinear tf, idf, l2 norm) and its weights per intent.

    ``scores`` is ``vec.transform([doc]) @ coef.T`` without building a sparse matrix.
    """

    def __init__(self, vec: TfidfVectorizer, coef: np.ndarray) -> None:
        if not (vec.sublinear_tf and vec.use_idf and vec.norm == "l2"):
            raise ValueError("only sublinear, idf-weighted, l2-normalised TF-IDF is supported")
        self.analyze = vec.build_analyzer()
        self.vocabulary: dict[str, int] = vec.vocabulary_
        self.idf = vec.idf_
        self.coef = coef

    def scores(self, doc: str) -> np.ndarray:
        """Each intent's share of the decision function from this part's features."""
        counts = Counter(i for t in self.analyze(doc) if (i := self.vocabulary.get(t)) is not None)
        if not counts:
            return np.zeros(self.coef.shape[0])
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        weights = (np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
                   + 1.0) * self.idf[columns]
        weights /= np.sqrt(weights @ weights)
        return self.coef[:, columns] @ weights


class EmbeddingIntentClassifier(IntentClassifier):
    """Intents from the knowledge index's multilingual sentence encoder and a linear head.

    The encoder is USE multilingual v3; its embeddings are used alone or beside the TF-IDF features.

    The encoder reads Devanagari itself, so the raw text and its English gloss are both
    embedded and averaged; the embedding is scaled so that neither feature set drowns the other.
    """

    def __init__(
        self,
        c: float = 8.0,
        with_tfidf: bool = True,
        encoder: str | None = None,
        weight: float = 2.0,
    ) -> None:
        super().__init__(c)
        self.with_tfidf = with_tfidf
        self.encoder_name = encoder
        self.weight = weight
        self.model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")

    def _encoder(self):  # knowledge.embeddings.Encoder
        from knowledge.embeddings import DEFAULT_EMBED_MODEL, load_encoder

        return load_encoder(self.encoder_name or DEFAULT_EMBED_MODEL)

    def _embed(self, texts: list[str]) -> np.ndarray:
        encoder = self._encoder()
        glossed = [to_english(t) for t in texts]
        raw = encoder.embed(texts)
        gloss = encoder.embed(glossed)
        return (raw + gloss) / 2 * self.weight

    def _features(self, texts: list[str], fit: bool = False) -> sp.csr_matrix:
        dense = sp.csr_matrix(self._embed(texts))
        if not self.with_tfidf:
            return dense
        prepared = [prepare(t) for t in texts]
        union = self.pipeline["features"]
        sparse = union.fit_transform(prepared) if fit else union.transform(prepared)
        return sp.hstack([sparse, dense]).tocsr()

    def fit(self, pairs: list[tuple[str, str]]) -> EmbeddingIntentClassifier:
        """Train the head (and the TF-IDF vocabulary) on the corpus."""
        texts = [t for t, _ in pairs]
        self.model.fit(self._features(texts, fit=True), [i for _, i in pairs])
        self.vocabulary = frozenset(w for t in texts for w in re.findall(r"[a-z]+", prepare(t)))
        return self

    @property
    def intents(self) -> list[str]:
        """The known intents."""
        return list(self.model.classes_)

    def predict(self, text: str) -> Prediction:
        """The most likely intent of ``text``."""
        features = self._features([text])
        scores = np.asarray(features @ self.model.coef_.T).ravel() + self.model.intercept_
        proba = np.exp(scores - scores.max())
        proba /= proba.sum()
        order = np.argsort(proba)[::-1]
        ranking = [(str(self.model.classes_[i]), float(proba[i])) for i in order]
        return Prediction(ranking[0][0], ranking[0][1], ranking)
