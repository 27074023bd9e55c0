"""The benchmark's markdown tables, with each number checked against its target."""

from __future__ import annotations

from typing import Any

EXACT_TARGET = {"clean": 98.0, "10dB": 95.0, "5dB": 90.0}
"""Minimum exact intent+slots accuracy on held-out phrasings and voices, by condition."""
WRONG_MAX = 1.0
FALSE_MAX = 2.0
LATENCY_MEDIAN_MAX = 300
LATENCY_P95_MAX = 500
IDLE_CPU_MAX = 10.0
RSS_MAX_MB = 300.0
_CONDITIONS = ("text", "clean", "10dB", "5dB")


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ok" if ok else " **MISS**")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _check(value: float | None, target: float, at_least: bool, applies: bool) -> str:
    if not applies or value is None:
        return _pct(value)
    return _pct(value) + _mark(value >= target if at_least else value <= target)


def accuracy_table(groups: dict[str, dict[str, Any]]) -> list[str]:
    """One row per split and condition."""
    lines = [
        (
            "| split | condition | commands | exact intent+slots | wrong action | no action "
            "| non-commands | false actions |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for split in ("heldout", "tuned"):
        for condition in _CONDITIONS:
            group = groups.get(f"{split}/{condition}")
            if group is None:
                continue
            held = split == "heldout" and condition != "text"
            exact = _check(group["exact_pct"], EXACT_TARGET.get(condition, 0), True, held)
            wrong = _check(group["wrong_pct"], WRONG_MAX, False, held)
            false = _check(group["false_action_pct"], FALSE_MAX, False, held)
            lines.append(
                f"| {split} | {condition} | {group['commands']} | {exact} | {wrong} "
                f"| {_pct(group['no_action_pct'])} | {group['noncommands']} | {false} |"
            )
    return lines


def voice_table(voices: dict[str, dict[str, float | None]]) -> list[str]:
    """Exact accuracy per speaker (both rates together)."""
    conditions = ("clean", "10dB", "5dB")
    lines = ["| speaker | " + " | ".join(conditions) + " |", "|---|" + "---:|" * len(conditions)]
    for speaker, row in voices.items():
        lines.append(f"| {speaker} | " + " | ".join(_pct(row.get(c)) for c in conditions) + " |")
    return lines


def _latency_rows(condition: str, lat: dict[str, Any]) -> list[str]:
    med, p95 = lat["median_ms"], lat["p95_ms"]
    return [
        (
            f"| latency, end of speech to first reply audio, median ({condition} pump, "
            f"{lat['replied']}/{lat['utterances']} replied) | {med} ms "
            f"| <= {LATENCY_MEDIAN_MAX} ms{_mark(med is not None and med <= LATENCY_MEDIAN_MAX)} |"
        ),
        (
            f"| latency p95 ({condition}) | {p95} ms | <= {LATENCY_P95_MAX} ms"
            f"{_mark(p95 is not None and p95 <= LATENCY_P95_MAX)} |"
        ),
    ]


def live_table(live: dict[str, Any], offline_rtf: float | None) -> list[str]:
    """Latency, real-time factor, memory and idle CPU from the real-time loop."""
    lines = ["| real-time loop | value | target |", "|---|---:|---|"]
    for condition, lat in live["latency"].items():
        lines += _latency_rows(condition, lat)
        lines += [
            f"| of which endpointer closing window (nominal) | {lat['hangover_ms']} ms | |",
            f"| of which recognition, median per utterance | {lat['asr_median_ms']} ms | |",
        ]
    rss = live["memory_end"]["peak_rss_mb"]
    idle = live["idle"]
    cpu = idle["cpu_percent_of_one_core"]
    load = live.get("load_average")
    lines += [
        (
            f"| recognition real-time factor (live loop; offline run {offline_rtf}) "
            f"| {live.get('rtf')} | |"
        ),
        (
            f"| resident memory, engine loaded / peak | {live['memory_engine_loaded']['rss_mb']} / "
            f"{rss} MB | <= {RSS_MAX_MB:.0f} MB{_mark(rss <= RSS_MAX_MB)} |"
        ),
        (
            f"| CPU while idle-listening to {idle['seconds']:.0f} s of pump noise | {cpu}% of one "
            f"core | <= {IDLE_CPU_MAX:.0f}%{_mark(cpu <= IDLE_CPU_MAX)} |"
        ),
        (
            f"| utterances / actions triggered by the pump alone in that time | "
            f"{idle['utterances_heard_in_noise']} / {idle['actions_in_noise']} | 0 actions"
            f"{_mark(idle['actions_in_noise'] == 0)} |"
        ),
    ]
    if load:
        lines.append(
            f"| machine load average (1 min) at start / end of the loop | "
            f"{load[0]} / {load[1]} | (2 cores; other work slows recognition) |"
        )
    return lines


def markdown(result: dict[str, Any]) -> str:
    """Accuracy by split and condition, per speaker, then the real-time numbers."""
    lines = accuracy_table(result["groups"])
    lines += [
        "",
        (
            "Targets apply to the held-out rows: exact >= 98% clean, >= 95% at 10 dB, >= 90% at "
            '5 dB; wrong actions <= 1%; false actions <= 2%. "text" is the matcher alone on the '
            "written sentence (no speech). Non-commands: household speech and TV lines (tuned), "
            "more of them plus real read speech from pocketsphinx-testdata (held-out)."
        ),
        "",
    ]
    if result.get("voices"):
        lines += voice_table(result["voices"]) + [""]
    live = result.get("live")
    if not live:
        lines.append("(real-time loop not run)")
    else:
        lines += live_table(live, result.get("offline_rtf"))
    return "\n".join(lines) + "\n"
