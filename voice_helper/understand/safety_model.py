"""The safety classifier: a sentence (and what the rules heard in it) -> how likely each route is.

Three views of the sentence: word and letter n-grams (TF-IDF: the words a parent actually uses),
a contextual sentence vector (understand/sentence_encoder.py: "smother him in kisses" is not
"a pillow over his face"), and which route or red flag the rules of content/safety.yaml heard (so
the classifier learns when a rule is right and when an idiom fooled it). A logistic regression over
them is trained on the tuned safety split (content/sentences/safety_tuned_*.yaml: phrasings per
route and hard negatives, written by people who never saw the rules) plus everyday commands and
household talk as calm. Never the held-out split. Cached on disk by a hash of what it learnt from.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from voice_helper.understand.meaning import Example, canonical
from voice_helper.understand.sentence_encoder import SentenceEncoder

_LOGGER = logging.getLogger(__name__)

CALM = "calm"
"""The label of everything that needs no safety reply."""
TODAY_GROUPS = {"baby_today": "baby", "mother_today": "infection"}
"""Classifier labels for warning signs to act on today -> the red-flag group that answers them."""
ENCODER_WEIGHT = 2.0
"""How much the contextual vector counts beside the n-grams (5-fold on the tuned split)."""
RULE_WEIGHT = 1.0
"""How much the rules' verdict counts beside the words (5-fold on the tuned split)."""
REGULARISATION = 20.0
"""Logistic regression's C."""
MODEL_VERSION = 3
COMMAND_SAMPLES = 40
"""Template sentences per command meaning taught as calm."""
"""Bumped when the features or the classifier change, so an old cached model is not used."""
_CALM_KEYS = ("not_crisis", "not_red_flag", "rejects")
_SAFETY_INTENTS = frozenset({"crisis", "urgent_symptom"})

RuleLabel = Callable[[str], str]
"""What the rules heard in a sentence: a route id, a red-flag group id, or "" for nothing."""


class SafetyModel:
    """Route probabilities for one sentence."""

    def __init__(self, vectorizer: Any, classifier: Any, rule_labels: tuple[str, ...]):
        self._vectorizer = vectorizer
        self._classifier = classifier
        self.rule_labels = rule_labels
        """The rules' verdicts, in feature order."""
        self.labels: tuple[str, ...] = tuple(str(c) for c in classifier.classes_)

    @classmethod
    def train(
        cls, examples: list[Example], rule_label: RuleLabel, rule_labels: tuple[str, ...]
    ) -> SafetyModel:
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
        rules = [rule_label(e.text) for e in examples]
        features = _features(vectorizer, texts, rules, rule_labels)
        classifier.fit(features, [e.label for e in examples])
        return cls(vectorizer, classifier, rule_labels)

    def probabilities(self, text: str, rule: str) -> dict[str, float]:
        """Each label (routes, today groups, calm) -> its probability, given the rules' verdict."""
        return self.probabilities_many([text], [rule])[0]

    def probabilities_many(self, texts: list[str], rules: list[str]) -> list[dict[str, float]]:
        """probabilities() for many sentences at once."""
        features = _features(
            self._vectorizer, [canonical(t) for t in texts], rules, self.rule_labels
        )
        rows = self._classifier.predict_proba(features)
        return [{label: float(p) for label, p in zip(self.labels, row)} for row in rows]


def _features(vectorizer: Any, texts: list[str], rules: list[str], rule_labels: tuple[str, ...]):
    from scipy.sparse import csr_matrix, hstack

    verdicts = np.zeros((len(texts), len(rule_labels)), dtype=np.float32)
    for row, rule in enumerate(rules):
        if rule in rule_labels:
            verdicts[row, rule_labels.index(rule)] = RULE_WEIGHT
    return hstack(
        [
            vectorizer.transform(texts),
            csr_matrix(SentenceEncoder.embed(texts) * ENCODER_WEIGHT),
            csr_matrix(verdicts),
        ]
    ).tocsr()


def safety_files(content_dir: Path, split: str = "tuned") -> list[Path]:
    """The safety corpus files of a split; the classifier learns from "tuned" only."""
    folder = Path(content_dir) / "sentences"
    return sorted(folder.glob(f"safety_{split}_*.yaml"))


def route_examples(path: Path) -> list[Example]:
    """Sentences of a safety corpus file: route (or calm) -> list of sentences."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [Example(str(text), str(label)) for label, texts in data.items() for text in texts or []]


GROUP_LABELS = {
    "infection": "mother_today",
    "lump_that_stays": "mother_today",
    "baby": "baby_today",
}
"""A red-flag group the rules heard -> the classifier's label for it."""


def paraphrase_examples(content_dir: Path, rule_label: RuleLabel) -> list[Example]:
    """The paraphrase files' sentences (never the held-out one): everyday commands and household
    talk as calm, and their crisis and red-flag sentences under the route or group the rules
    give them (they were written before the routes; a sentence the rules miss is left out)."""
    folder = Path(content_dir) / "sentences"
    examples = []
    for name in ("paraphrases_train.yaml", "paraphrases_tuned.yaml", "paraphrases_safety.yaml"):
        path = folder / name
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for group in [*data.get("tests", []), *data.get("context_tests", [])]:
            for text in map(str, group["sentences"]):
                if group["intent"] not in _SAFETY_INTENTS:
                    examples.append(Example(text, CALM))
                    continue
                heard = rule_label(text)
                label = GROUP_LABELS.get(heard, heard)
                if label:
                    examples.append(Example(text, label))
        for key in _CALM_KEYS:
            examples += [Example(str(t), CALM) for t in data.get(key, [])]
    return examples


def command_examples(templates: Any) -> list[Example]:
    """A sample of the command templates (never their crisis or red-flag sentences), as calm:
    "my milk isn't coming" is a question about pumping, however it sounds."""
    from voice_helper.understand.meaning import template_examples

    if templates is None:
        return []
    return [
        Example(e.text, CALM)
        for e in template_examples(templates, per_label=COMMAND_SAMPLES)
        if e.label not in _SAFETY_INTENTS
    ]


def training_examples(
    content_dir: Path, rule_label: RuleLabel, templates: Any = None
) -> list[Example]:
    """Everything the safety classifier is trained on."""
    examples = paraphrase_examples(content_dir, rule_label) + command_examples(templates)
    for path in safety_files(content_dir):
        examples += route_examples(path)
    return examples


def _key(examples: list[Example], rules_text: str) -> str:
    import sklearn

    digest = hashlib.sha256(f"safety v{MODEL_VERSION} sklearn {sklearn.__version__}".encode())
    digest.update(rules_text.encode())
    for example in examples:
        digest.update(f"{example.label}\t{example.text}\n".encode())
    return digest.hexdigest()[:20]


def load_safety_model(
    content_dir: Path,
    cache_dir: Path | None,
    rule_label: RuleLabel,
    rule_labels: tuple[str, ...],
    templates: Any = None,
) -> SafetyModel | None:
    """The classifier for this content (from the cache when trained before); None without data."""
    examples = training_examples(content_dir, rule_label, templates)
    if not any(e.label != CALM for e in examples):
        return None
    rules_text = (Path(content_dir) / "safety.yaml").read_text(encoding="utf-8")
    path = cache_dir / f"safety-{_key(examples, rules_text)}.pickle" if cache_dir else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                model = pickle.load(handle)  # our own file, written below, mode 0600
            if isinstance(model, SafetyModel):
                return model
        except Exception:  # noqa: BLE001 - a partial or old file: train again
            _LOGGER.warning("could not read the cached safety model %s; training again", path)
    model = SafetyModel.train(examples, rule_label, rule_labels)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            partial = path.with_suffix(".partial")
            with partial.open("wb") as handle:
                pickle.dump(model, handle)
            partial.chmod(0o600)
            partial.replace(path)
            for old in path.parent.glob("safety-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError as exc:
            _LOGGER.warning("could not cache the safety model in %s: %s", cache_dir, exc)
    return model
