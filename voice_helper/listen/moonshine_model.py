"""Moonshine tiny run directly with onnxruntime: free decoding, and scoring of given token paths."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_helper.errors import ModelMissing
from voice_helper.privacy import load_onnxruntime

START_TOKEN = 1
END_TOKEN = 2
_LAYERS = 6
_HEADS = 8
_HEAD_SIZE = 36
_TOKENS_PER_SECOND = 6.5  # Moonshine's own cap on output length
_SPACE = "\u2581"


class MoonshineTokenizer:
    """SentencePiece BPE over the wheel's tokenizer.bin: pieces in merge order, byte fallback."""

    def __init__(self, path: Path):
        pieces: list[bytes] = []
        data = path.read_bytes()
        index = 0
        while index < len(data):
            length = data[index]
            index += 1
            if length >= 128:
                length = (length & 127) | (data[index] << 7)
                index += 1
            pieces.append(data[index : index + length])
            index += length
        self.pieces = pieces
        self._ids = {
            piece.decode("utf-8", "ignore"): i for i, piece in enumerate(pieces) if i > 258
        }

    def piece_id(self, piece: str) -> int:
        """Id of a piece spelled exactly so (punctuation such as "." or ",")."""
        return self._ids[piece]

    def encode_word(self, word: str) -> tuple[int, ...]:
        """Token ids of one word as it appears after a space (or at the start)."""
        symbols = list(_SPACE + word)
        while len(symbols) > 1:
            best, best_at = None, -1
            for at in range(len(symbols) - 1):
                merged = self._ids.get(symbols[at] + symbols[at + 1])
                if merged is not None and (best is None or merged < best):
                    best, best_at = merged, at
            if best is None:
                break
            symbols[best_at : best_at + 2] = [symbols[best_at] + symbols[best_at + 1]]
        ids: list[int] = []
        for symbol in symbols:
            if symbol in self._ids:
                ids.append(self._ids[symbol])
            else:
                ids.extend(3 + byte for byte in symbol.encode("utf-8"))
        return tuple(ids)

    def decode(self, ids: list[int]) -> str:
        """Text of token ids, special tokens dropped."""
        raw = b"".join(self.pieces[i] for i in ids if i > 2)
        return raw.decode("utf-8", "replace").replace(_SPACE, " ").strip()


@dataclass
class Decoded:
    """One decoding of an utterance: its tokens and their summed log-probability."""

    tokens: list[int]
    log_prob: float


class MoonshineModel:
    """The encoder and the cached decoder of Moonshine tiny."""

    def __init__(self, model_dir: Path, threads: int = 1):
        try:
            onnxruntime = load_onnxruntime()
        except ImportError as exc:
            raise ModelMissing(
                f"onnxruntime is missing ({exc}); run: pip install onnxruntime"
            ) from exc
        started = time.monotonic()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        self._encoder = onnxruntime.InferenceSession(
            str(model_dir / "encoder_model.ort"), options, providers=providers
        )
        self._decoder = onnxruntime.InferenceSession(
            str(model_dir / "decoder_model_merged.ort"), options, providers=providers
        )
        self.tokenizer = MoonshineTokenizer(model_dir / "tokenizer.bin")
        self.load_seconds = time.monotonic() - started

    def encode(self, audio: np.ndarray) -> np.ndarray:
        """Encoder states of float32 16 kHz audio, shape (1, frames, 288)."""
        values = audio.astype(np.float32)[None, :]
        mask = np.ones_like(values, dtype=np.int64)
        return self._encoder.run(None, {"input_values": values, "attention_mask": mask})[0]

    def max_tokens(self, audio_seconds: float) -> int:
        """Longest output Moonshine allows for this much audio."""
        return max(4, int(np.ceil(audio_seconds * _TOKENS_PER_SECOND)))

    def start(self, states: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Log-probabilities after the start token, and the cache to continue from."""
        empty = np.zeros((1, _HEADS, 0, _HEAD_SIZE), dtype=np.float32)
        feeds = self._feeds(
            np.array([[START_TOKEN]], dtype=np.int64), states, [empty] * (4 * _LAYERS)
        )
        feeds["use_cache_branch"] = np.array([False])
        outputs = self._decoder.run(None, feeds)
        return _log_softmax(outputs[0][:, -1, :]), list(outputs[1:])

    def step(
        self, tokens: np.ndarray, states: np.ndarray, cache: list[np.ndarray]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Log-probabilities after one more token per row, and the grown cache."""
        rows = tokens.shape[0]
        feeds = self._feeds(tokens.reshape(rows, 1).astype(np.int64), states, cache)
        feeds["use_cache_branch"] = np.array([True])
        outputs = self._decoder.run(None, feeds)
        # The cached branch returns placeholders for the encoder keys and values: keep ours.
        grown = [
            outputs[1 + index] if index % 4 < 2 else cache[index] for index in range(4 * _LAYERS)
        ]
        return _log_softmax(outputs[0][:, -1, :]), grown

    def _feeds(
        self, tokens: np.ndarray, states: np.ndarray, cache: list[np.ndarray]
    ) -> dict[str, np.ndarray]:
        rows = tokens.shape[0]
        if states.shape[0] != rows:
            states = np.repeat(states[:1], rows, axis=0)
        feeds: dict[str, np.ndarray] = {
            "input_ids": tokens,
            "encoder_hidden_states": states,
            "encoder_attention_mask": np.ones(states.shape[:2], dtype=np.int64),
        }
        for layer in range(_LAYERS):
            for index, name in enumerate(
                ("decoder.key", "decoder.value", "encoder.key", "encoder.value")
            ):
                feeds[f"past_key_values.{layer}.{name}"] = cache[4 * layer + index]
        return feeds

    def greedy(self, states: np.ndarray, limit: int) -> Decoded:
        """The model's own best guess, token by token."""
        log_probs, cache = self.start(states)
        tokens: list[int] = []
        total = 0.0
        for _ in range(limit):
            token = int(np.argmax(log_probs[0]))
            total += float(log_probs[0, token])
            if token == END_TOKEN:
                break
            tokens.append(token)
            log_probs, cache = self.step(np.array([token]), states, cache)
        return Decoded(tokens, total)


def select_rows(cache: list[np.ndarray], rows: list[int]) -> list[np.ndarray]:
    """The cache of the given hypotheses, in that order.

    The decoder's keys and values are picked row by row; the encoder's are the same for every
    hypothesis of one utterance, so they are only ever widened, never copied again.
    """
    index = np.asarray(rows, dtype=np.int64)
    selected = []
    for position, layer in enumerate(cache):
        if position % 4 < 2:
            selected.append(layer[index])
        elif layer.shape[0] >= len(rows):
            selected.append(layer[: len(rows)])
        else:
            selected.append(np.repeat(layer[:1], len(rows), axis=0))
    return selected


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
