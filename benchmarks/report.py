"""The benchmark's markdown table, with each number checked against its target."""

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


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ok" if ok else " **MISS**")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def markdown(result: dict[str, Any]) -> str:
    """Accuracy by split and condition, then the real-time numbers."""
    lines = ["| split | condition | commands | exact intent+slots | wrong action | no action "
             "| non-commands | false actions |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for split in ("heldout", "tuned"):
        for condition in ("text", "clean", "10dB", "5dB"):
            group = result["groups"].get(f"{split}/{condition}")
            if group is None:
                continue
            held = split == "heldout" and condition != "text"
            exact_ok = group["exact_pct"] >= EXACT_TARGET[condition] if held and \
                group["exact_pct"] is not None else None
            wrong_ok = group["wrong_pct"] <= WRONG_MAX if held and \
                group["wrong_pct"] is not None else None
            false_ok = group["false_action_pct"] <= FALSE_MAX if held and \
                group["false_action_pct"] is not None else None
            lines.append(
                f"| {split} | {condition} | {group['commands']} "
                f"| {_pct(group['exact_pct'])}{_mark(exact_ok)} "
                f"| {_pct(group['wrong_pct'])}{_mark(wrong_ok)} | {_pct(group['no_action_pct'])} "
                f"| {group['noncommands']} | {_pct(group['false_action_pct'])}{_mark(false_ok)} |")
    lines.append("")
    lines.append("Targets apply to the held-out rows: exact >= 98% clean, >= 95% at 10 dB, "
                 ">= 90% at 5 dB; wrong actions <= 1%; false actions <= 2%. \"text\" is the "
                 "matcher alone on the written sentence (no speech).")
    live = result.get("live")
    lines.append("")
    if not live:
        lines.append("(real-time loop not run)")
        return "\n".join(lines) + "\n"
    lines += ["| real-time loop | value | target |", "|---|---:|---|"]
    for condition, lat in live["latency"].items():
        med, p95 = lat["median_ms"], lat["p95_ms"]
        lines.append(f"| latency, end of speech to first reply audio, median ({condition} pump, "
                     f"{lat['replied']}/{lat['utterances']} replied) | {med} ms "
                     f"| <= {LATENCY_MEDIAN_MAX} ms{_mark(med is not None and med <= LATENCY_MEDIAN_MAX)} |")
        lines.append(f"| latency p95 ({condition}) | {p95} ms | <= {LATENCY_P95_MAX} ms"
                     f"{_mark(p95 is not None and p95 <= LATENCY_P95_MAX)} |")
        lines.append(f"| of which endpointer closing window (nominal) | {lat['hangover_ms']} ms | |")
        lines.append(f"| of which recognition, median per utterance | {lat['asr_median_ms']} ms | |")
    rss = live["memory_end"]["peak_rss_mb"]
    idle = live["idle"]
    lines += [
        f"| recognition real-time factor (live loop; offline run {result['offline_rtf']}) "
        f"| {live.get('rtf')} | |",
        f"| resident memory, engine loaded / peak | {live['memory_engine_loaded']['rss_mb']} / "
        f"{rss} MB | <= {RSS_MAX_MB:.0f} MB{_mark(rss <= RSS_MAX_MB)} |",
        f"| CPU while idle-listening to {idle['seconds']:.0f} s of pump noise | "
        f"{idle['cpu_percent_of_one_core']}% of one core | <= {IDLE_CPU_MAX:.0f}%"
        f"{_mark(idle['cpu_percent_of_one_core'] <= IDLE_CPU_MAX)} |",
        f"| utterances / actions triggered by the pump alone in that time | "
        f"{idle['utterances_heard_in_noise']} / {idle['actions_in_noise']} | 0 actions"
        f"{_mark(idle['actions_in_noise'] == 0)} |",
    ]
    return "\n".join(lines) + "\n"
