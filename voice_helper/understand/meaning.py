"""The meaning layer: a free transcript -> the nearest meaning by what it says, or none.

A logistic regression over two views of the sentence: word and letter n-grams (TF-IDF, for
the words a parent actually uses) and WordLlama's static sentence embedding (for words that
mean the same thing). It is trained from the template sentences and the tuned paraphrases in
content/sentences/, with household talk as its own class, so it is retrained whenever the
content changes (and cached on disk by a hash of what it was trained on). Numbers and
durations never come from here: slots are parsed by rule afterwards (`understand/slots.py`).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from voice_helper.content.templates import DURATION, NUMBER, IntentTemplates
from voice_helper.words.normalize import normalize

_LOGGER = logging.getLogger(__name__)

OUT_OF_SCOPE = "none"
"""The label of household talk, TV and stories: nothing for the assistant to do."""
TEMPLATE_SAMPLES = 150
"""Template sentences per meaning used for training (the templates repeat each other)."""
EMBEDDING_WEIGHT = 2.0
"""How much the embedding view counts beside the n-gram view (chosen on the tuned split)."""
REGULARISATION = 20.0
"""Logistic regression's C: how closely it may follow the training sentences."""
MODEL_VERSION = 3
"""Bumped when the features or the classifier change, so an old cached model is not used."""
_SAMPLE_DURATIONS = (
    "three hours",
    "two hours",
    "an hour",
    "ninety minutes",
    "half an hour",
    "ten minutes",
    "two and a half hours",
    "4 hours",
    "20 minutes",
)
SAFETY_LABELS = frozenset({"crisis", "urgent_symptom"})
"""Caught first by the safety rules (understand/safety.py); the model is a second net for them."""


def meaning_label(intent: str, slots: dict[str, Any]) -> str:
    """The meaning a sentence is trained and scored as: the intent, with its cause or kind."""
    if intent == "ask_cause":
        return f"ask_cause:{slots['cause']}"
    if intent == "set_reminder":
        return f"set_reminder:{slots.get('kind', 'pump')}"
    if intent == "ask_log":
        return f"ask_log:{slots.get('question', 'total')}"
    return intent


def split_label(label: str) -> tuple[str, dict[str, Any]]:
    """The intent and fixed slots of a meaning label: "ask_cause:stress" -> (ask_cause, cause)."""
    intent, _, value = label.partition(":")
    if intent == "ask_cause":
        return intent, {"cause": value}
    if intent == "set_reminder":
        return intent, {"kind": value}
    if intent == "ask_log":
        return intent, {"question": value}
    return intent, {}


@dataclass(frozen=True)
class Example:
    """One training sentence and its meaning."""

    text: str
    label: str


@dataclass(frozen=True)
class Guess:
    """The meaning layer's answer for one sentence."""

    label: str
    """A meaning label, or OUT_OF_SCOPE."""
    probability: float
    """How sure the classifier is, 0..1."""
    runner_up: str
    runner_up_probability: float


def template_examples(
    templates: IntentTemplates, per_label: int = TEMPLATE_SAMPLES, seed: int = 0
) -> list[Example]:
    """A sample of the expanded templates, numbers filled in, at most per_label per meaning."""
    rng = random.Random(seed)
    by_label: dict[str, list[str]] = {}
    for sentence in templates.sentences:
        label = meaning_label(sentence.intent, dict(sentence.slots))
        words = [
            rng.choice(_SAMPLE_DURATIONS) if t == DURATION else "ten" if t == NUMBER else t
            for t in sentence.tokens
        ]
        by_label.setdefault(label, []).append(" ".join(words))
    examples = []
    for label, texts in sorted(by_label.items()):
        rng.shuffle(texts)
        examples += [Example(text, label) for text in texts[:per_label]]
    return examples


def corpus_examples(path: Path) -> list[Example]:
    """Training sentences from a paraphrase file (tests, context_tests, rejects)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = []
    for group in [*data.get("tests", []), *data.get("context_tests", [])]:
        label = meaning_label(group["intent"], group.get("slots") or {})
        examples += [Example(str(text), label) for text in group["sentences"]]
    examples += [Example(str(text), OUT_OF_SCOPE) for text in data.get("rejects", [])]
    return examples


def training_files(content_dir: Path) -> list[Path]:
    """The paraphrase files the meaning layer learns from: never the held-out split."""
    folder = content_dir / "sentences"
    return sorted(p for p in folder.glob("paraphrases_*.yaml") if "heldout" not in p.stem)


def canonical(text: str) -> str:
    """The one spelling the model sees, typed or heard: "I've got a FEVER." -> "i have got a
    fever" (the embedding is case-sensitive, so "I know" and "i know" were told apart)."""
    return " ".join(normalize(text))


class _Embedder:
    """WordLlama's 256-dimension static embeddings, read from the files its wheel ships.

    The wordllama package itself is never imported: its loader imports `requests`, whose
    urllib3 opens a network socket at import time (seen under strace), and it would download a
    tokenizer it cannot find. The embedding is its own: the mean of the token vectors, unit length.
    """

    _table: np.ndarray | None = None
    _tokenizer: Any = None

    @classmethod
    def _load(cls) -> None:
        import importlib.util

        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        spec = importlib.util.find_spec("wordllama")  # finds the folder without running it
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("wordllama is not installed: run scripts/setup.sh")
        folder = Path(next(iter(spec.submodule_search_locations)))
        table = load_file(str(folder / "weights" / "l2_supercat_256.safetensors"))
        cls._table = np.ascontiguousarray(table["embedding.weight"].astype(np.float32))
        tokenizer = Tokenizer.from_file(
            str(folder / "tokenizers" / "l2_supercat_tokenizer_config.json")
        )
        tokenizer.enable_padding()
        tokenizer.no_truncation()
        cls._tokenizer = tokenizer

    @classmethod
    def embed(cls, texts: list[str]) -> np.ndarray:
        if cls._table is None:
            cls._load()
        assert cls._table is not None
        encoded = cls._tokenizer.encode_batch(
            texts, is_pretokenized=False, add_special_tokens=False
        )
        ids = np.clip(
            np.array([e.ids for e in encoded], dtype=np.int64), 0, cls._table.shape[0] - 1
        )
        mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
        summed = np.sum(cls._table[ids] * mask[..., np.newaxis], axis=1, dtype=np.float32)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float64)


class MeaningModel:
    """Classifies a sentence into a meaning label (or OUT_OF_SCOPE) with a probability."""

    def __init__(self, vectorizer: Any, classifier: Any, features: str = "both"):
        self._vectorizer = vectorizer
        self._classifier = classifier
        self.features = features
        """ "both" (n-grams and embedding), "ngrams" or "embedding": compared in the README."""
        self.labels: tuple[str, ...] = tuple(str(c) for c in getattr(classifier, "classes_", ()))

    @classmethod
    def train(cls, examples: list[Example], features: str = "both") -> MeaningModel:
        """Fit the n-gram vocabulary and the classifier on these examples."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_union

        texts = [canonical(e.text) for e in examples]
        vectorizer = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        )
        vectorizer.fit(texts)
        classifier = LogisticRegression(C=REGULARISATION, max_iter=3000)
        model = cls(vectorizer, classifier, features)
        classifier.fit(model._features(texts), [e.label for e in examples])
        model.labels = tuple(str(c) for c in classifier.classes_)
        return model

    def _features(self, texts: list[str]) -> Any:
        """Both views of texts already in canonical() spelling."""
        from scipy.sparse import csr_matrix, hstack

        parts = []
        if self.features in ("both", "ngrams"):
            parts.append(self._vectorizer.transform(texts))
        if self.features in ("both", "embedding"):
            parts.append(csr_matrix(_Embedder.embed(texts) * EMBEDDING_WEIGHT))
        return hstack(parts).tocsr()

    def probabilities(self, text: str) -> dict[str, float]:
        """Every label's probability for a text already in canonical() spelling."""
        row = self._classifier.predict_proba(self._features([text]))[0]
        return {label: float(p) for label, p in zip(self.labels, row)}

    def guess(self, text: str, allowed: set[str] | None = None) -> Guess:
        """The likeliest meaning among the allowed labels (all when None), household talk included."""
        probabilities = self._classifier.predict_proba(self._features([canonical(text)]))[0]
        order = np.argsort(probabilities)[::-1]
        ranked = [
            (self.labels[i], float(probabilities[i]))
            for i in order
            if allowed is None or self.labels[i] in allowed or self.labels[i] == OUT_OF_SCOPE
        ]
        best, runner = ranked[0], ranked[1] if len(ranked) > 1 else (OUT_OF_SCOPE, 0.0)
        return Guess(best[0], best[1], runner[0], runner[1])


def training_key(examples: list[Example]) -> str:
    """A hash of everything the model is trained on, for the disk cache."""
    import sklearn

    digest = hashlib.sha256(f"v{MODEL_VERSION} sklearn {sklearn.__version__}".encode())
    for example in examples:
        digest.update(f"{example.label}\t{example.text}\n".encode())
    return digest.hexdigest()[:20]


def load_or_train(
    examples: list[Example], cache_dir: Path | None, prefix: str = "meaning"
) -> MeaningModel:
    """The model for these examples: from the cache when trained before, else trained now."""
    key = training_key(examples)
    path = cache_dir / f"{prefix}-{key}.pickle" if cache_dir is not None else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                model = pickle.load(handle)  # our own file, written below, mode 0600
            if isinstance(model, MeaningModel):
                return model
        except (
            OSError,
            EOFError,
            pickle.UnpicklingError,
            AttributeError,
            ImportError,
            ValueError,
            TypeError,
        ):  # a partial or old file: train again
            _LOGGER.warning("could not read the cached %s model %s; training again", prefix, path)
    model = MeaningModel.train(examples)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            partial = path.with_suffix(".partial")
            with partial.open("wb") as handle:
                pickle.dump(model, handle)
            partial.chmod(0o600)
            partial.replace(path)
            for old in path.parent.glob(f"{prefix}-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError as exc:
            _LOGGER.warning("could not cache the meaning model in %s: %s", cache_dir, exc)
    return model
