"""Run the recognition half of the pipeline over mixed streams, in worker processes, with a cache.

Each stream goes through the assistant's own endpointer and engine, so a split utterance or a
clipped first word costs what it would cost in use. Transcripts are cached by what produced
them, so changing only the matcher re-scores in seconds.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import multiprocessing
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.mix import NOISE_VERSION, mix, seed_for
from benchmarks.speech_set import CACHE_DIR, Case, load_case_audio
from voice_helper.listen.audio import frames_from_samples
from voice_helper.listen.endpoint import utterances
from voice_helper.listen.endpoint_settings import EndpointSettings

TRANSCRIPT_CACHE = CACHE_DIR / "transcripts.jsonl"


@dataclass(frozen=True)
class Heard:
    """What the recogniser made of one stream."""

    texts: list[str]
    """One transcript per utterance the endpointer cut out (usually one)."""
    audio_s: float
    """Seconds of utterance audio transcribed."""
    asr_s: float
    """Seconds spent transcribing."""


@dataclass(frozen=True)
class Front:
    """What stands between the stream and the recogniser: endpointing and noise suppression."""

    endpoint: EndpointSettings
    denoise: str = "none"
    """none, or the name of a suppressor in benchmarks.denoise."""
    grammar: bool = True
    """Moonshine's second, grammar-held decoding (off: its free transcript only)."""
    engine: str = "moonshine"
    """moonshine, or vosk (with vosk_model)."""
    vosk_model: str = ""
    """Folder of the vosk model when engine is vosk (the English one once it can be fetched)."""

    def key(self) -> str:
        """Stable text describing this front end, for the cache key (code included)."""
        return json.dumps(
            {
                "endpoint": dataclasses.asdict(self.endpoint),
                "denoise": self.denoise,
                "grammar": self.grammar,
                "engine": self.engine,
                "vosk_model": self.vosk_model,
                "noise": NOISE_VERSION,
                "code": _code_version(),
            },
            sort_keys=True,
        )


@functools.cache
def _code_version() -> str:
    """Hash of the code and templates that turn a stream into transcripts: any edit re-recognises."""
    from voice_helper import DEFAULT_CONTENT_DIR
    from voice_helper.listen import (
        command_grammar,
        constrained,
        endpoint,
        moonshine_engine,
        moonshine_model,
        token_grammar,
    )
    from voice_helper.words import normalize, numbers

    digest = hashlib.sha1()
    modules = (
        endpoint,
        moonshine_engine,
        moonshine_model,
        constrained,
        token_grammar,
        command_grammar,
        numbers,
        normalize,
    )
    for module in modules:
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update((Path(DEFAULT_CONTENT_DIR) / "intents.yaml").read_bytes())
    return digest.hexdigest()[:12]


def cache_key(case: Case, condition: str, front: Front) -> str:
    """What a transcript depends on."""
    text = f"{case.voice}\n{case.text}\n{condition}\n{front.key()}"
    return hashlib.sha1(text.encode()).hexdigest()


def load_cache() -> dict[str, dict[str, Any]]:
    """Cached transcripts by key."""
    cache: dict[str, dict[str, Any]] = {}
    if TRANSCRIPT_CACHE.exists():
        for line in TRANSCRIPT_CACHE.read_text().splitlines():
            if line.strip():
                entry = json.loads(line)
                cache[entry["key"]] = entry
    return cache


_ENGINE: Any = None
_FRONT: Front | None = None


def make_engine(engine: str, vosk_model: str = "") -> Any:
    """The recogniser by name: moonshine, or vosk with its model folder."""
    if engine == "vosk":
        from voice_helper.listen.vosk_engine import VoskEngine

        return VoskEngine(Path(vosk_model))
    from voice_helper.listen.moonshine_engine import MoonshineEngine

    return MoonshineEngine()


def _init_worker(front: Front) -> None:
    global _ENGINE, _FRONT
    _ENGINE = make_engine(front.engine, front.vosk_model)
    if front.grammar:
        from voice_helper import DEFAULT_CONTENT_DIR
        from voice_helper.config import cache_dir
        from voice_helper.content import load_content
        from voice_helper.listen.command_grammar import recognition_grammar
        from voice_helper.understand.understander import Understander

        matcher = Understander.from_content(load_content(DEFAULT_CONTENT_DIR), cache_dir())
        _ENGINE.set_grammar(
            recognition_grammar(
                matcher.templates, meaning=matcher.meaning, keep_free=matcher.safety_heard
            )
        )
    _FRONT = front


def hear_stream(samples: np.ndarray, engine: Any, front: Front) -> Heard:
    """Endpoint a stream and transcribe each utterance, as the assistant does."""
    from benchmarks.denoise import suppressor

    suppress = suppressor(front.denoise)
    texts, audio_s, asr_s = [], 0.0, 0.0
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    for utterance in utterances(frames_from_samples(pcm), front.endpoint):
        audio = utterance.samples
        if suppress is not None:
            start = int(utterance.start_s * 16000)
            audio = suppress(audio, pcm[max(0, start - 16000 * 3) : start])
        started = time.perf_counter()
        texts.append(engine.transcribe(audio).text)
        asr_s += time.perf_counter() - started
        audio_s += utterance.samples.size / 16000
    return Heard(texts, audio_s, asr_s)


def _work(job: tuple[str, Case, str]) -> tuple[str, dict[str, Any]]:
    key, case, condition = job
    assert _FRONT is not None
    mixed = mix(load_case_audio(case), condition, seed_for(case.voice, case.text, condition))
    heard = hear_stream(mixed.samples, _ENGINE, _FRONT)
    return key, {"key": key, "texts": heard.texts, "audio_s": heard.audio_s, "asr_s": heard.asr_s}


def recognise_all(
    jobs: list[tuple[Case, str]],
    front: Front,
    workers: int,
    use_cache: bool = True,
    progress: bool = True,
) -> dict[str, dict[str, Any]]:
    """Transcripts of every (case, condition), by cache key; new ones are appended to the cache."""
    cache = load_cache() if use_cache else {}
    todo = []
    for case, condition in jobs:
        key = cache_key(case, condition, front)
        if key not in cache:
            todo.append((key, case, condition))
    todo = list({job[0]: job for job in todo}.values())
    if todo:
        TRANSCRIPT_CACHE.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        context = multiprocessing.get_context("fork")
        with (
            context.Pool(workers, initializer=_init_worker, initargs=(front,)) as pool,
            TRANSCRIPT_CACHE.open("a") as out,
        ):
            for done, (key, entry) in enumerate(pool.imap_unordered(_work, todo, chunksize=4), 1):
                cache[key] = entry
                out.write(json.dumps(entry) + "\n")
                if progress and (done % 200 == 0 or done == len(todo)):
                    print(
                        f"  recognised {done}/{len(todo)} streams "
                        f"({time.monotonic() - started:.0f} s)",
                        flush=True,
                    )
    return {
        cache_key(case, condition, front): cache[cache_key(case, condition, front)]
        for case, condition in jobs
    }
