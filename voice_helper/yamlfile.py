"""Load YAML with line numbers and check it against a small schema; errors name file:line:field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    """A sequence that remembers the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records line numbers and rejects duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


@dataclass
class Problem:
    """One thing wrong in a YAML file."""

    file: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class YamlProblems(Exception):
    """One or more problems found in YAML files."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


MAX_BYTES = 1_000_000
"""Largest YAML file read: the biggest content file is under 10 KB, the config far less."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted: the content needs 6 levels; hundreds would
overflow Python's stack in the loader and in every walk over the result."""
MAX_ALIASES = 100
"""Most `*alias` references in one file: a few are handy, thousands expand into gigabytes."""


def _check_shape(path: Path, text: str) -> None:
    """Refuse a document nested too deeply or full of aliases, before it is built (streamed:
    the event parser does not recurse)."""
    depth = aliases = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise YamlProblems(
                    [Problem(path, line, "(syntax)", f"nested more than {MAX_DEPTH} levels deep")]
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise YamlProblems(
                    [Problem(path, line, "(syntax)", f"more than {MAX_ALIASES} aliases (*name)")]
                )


def load_yaml(path: Path) -> Any:
    """Parse one YAML file safely; raise YamlProblems naming the line on any syntax error, and
    on a file too big or too deeply nested to be one of ours."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlProblems(
                [Problem(path, 0, "(file)", f"is {size} bytes; the most read is {MAX_BYTES}")]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblems([Problem(path, 0, "(file)", f"cannot read: {exc.strerror}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblems([Problem(path, line, "(file)", "is not UTF-8 text")]) from exc
    if not text.strip():
        raise YamlProblems([Problem(path, 1, "(file)", "is empty")])
    try:
        _check_shape(path, text)
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass: no object tags
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or str(exc)
        if "\t" in what or "\\t" in what or "tab" in what:
            what += " (indent with spaces, not tabs)"
        raise YamlProblems([Problem(path, line, "(syntax)", f"malformed YAML: {what}")]) from exc
    except yaml.YAMLError as exc:
        raise YamlProblems([Problem(path, 0, "(syntax)", f"malformed YAML: {exc}")]) from exc


@dataclass
class Field:
    """Schema of one key: its type, whether required, and a schema for nested values."""

    type: type | tuple[type, ...]
    required: bool = True
    items: Any = None  # for lists: a type, a Field or a dict schema for each item
    schema: dict[str, Field] | None = None  # for mappings
    choices: tuple[Any, ...] | None = None


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a mapping",
    }
    if isinstance(t, tuple):
        named = " or ".join(names.get(x, x.__name__) for x in t if x is not type(None))
        return f"{named} (or left out)" if type(None) in t else named
    return names.get(t, t.__name__)


def _is_type(value: Any, t: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and t is not bool and not (isinstance(t, tuple) and bool in t):
        return False
    wants_float = t is float or (isinstance(t, tuple) and float in t)
    if wants_float and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, t)


@dataclass
class Checker:
    """Collects problems while walking one file against a schema."""

    file: Path
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, field_path: str, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(self.file, line, field_path, message))

    def mapping(self, value: Any, schema: dict[str, Field], path: str, line: int) -> bool:
        """Check a mapping's keys and values; True when it is a mapping at all."""
        if not isinstance(value, dict):
            self.add(line, path or "(top)", f"should be a mapping of keys, got {_describe(value)}")
            return False
        key_lines = getattr(value, "key_lines", {})
        base = getattr(value, "line", line)
        for key in value:
            if str(key) not in schema:
                known = ", ".join(schema)
                self.add(
                    key_lines.get(str(key), base),
                    _join(path, str(key)),
                    f"unknown key (allowed here: {known})",
                )
        for key, spec in schema.items():
            if key not in value:
                if spec.required:
                    self.add(base, _join(path, key), "missing required field")
                continue
            self.value(value[key], spec, _join(path, key), key_lines.get(key, base))
        return True

    def value(self, value: Any, spec: Field, path: str, line: int) -> None:
        """Check one value against its field spec."""
        line = getattr(value, "line", line) if isinstance(value, (dict, list)) else line
        if spec.schema is not None:
            self.mapping(value, spec.schema, path, line)
            return
        if not _is_type(value, spec.type):
            self.add(line, path, f"should be {_type_name(spec.type)}, got {_describe(value)}")
            return
        if spec.choices is not None and value not in spec.choices:
            allowed = ", ".join(str(c) for c in spec.choices)
            self.add(line, path, f"{value!r} is not one of: {allowed}")
        if isinstance(value, str) and not value.strip():
            self.add(line, path, "is empty")
        if isinstance(value, list) and spec.items is not None:
            if not value:
                self.add(line, path, "is an empty list")
            lines = getattr(value, "item_lines", [line] * len(value))
            item_spec = (
                spec.items
                if isinstance(spec.items, Field)
                else (
                    Field(dict, schema=spec.items)
                    if isinstance(spec.items, dict)
                    else Field(spec.items)
                )
            )
            for index, item in enumerate(value):
                self.value(item, item_spec, f"{path}[{index}]", lines[index])


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"{type(value).__name__} {str(value)[:40]!r}"
