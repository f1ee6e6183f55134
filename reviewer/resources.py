"""Locating and loading the shipped rules/*.toml and dictionaries/*.txt.

In a wheel they live in reviewer/_data/; in a source checkout (editable install, tests) beside
the package. Word lists are cached per process: rules share them and they never change at run time.
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"找不到内置目录 {name}/（安装不完整？）")


@dataclass(frozen=True, slots=True)
class Entry:
    """One dictionary line: `word | field | field ...` (fields are list-specific: tags, a correction ...)."""
    word: str
    fields: tuple[str, ...] = ()

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(t.strip() for t in self.fields[0].split(",") if t.strip()) if self.fields else ()


def parse_wordlist(text: str) -> list[Entry]:
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if " #" in line:                      # trailing comment
            line = line.split(" #", 1)[0].rstrip()
        parts = [p.strip() for p in line.split("|")]
        if parts[0]:
            entries.append(Entry(parts[0], tuple(parts[1:])))
    return entries


@functools.lru_cache(maxsize=None)
def wordlist(name: str, extra_dir: str | None = None) -> tuple[Entry, ...]:
    """Entries of dictionaries/NAME (plus the same file in `extra_dir`, an agency's own additions)."""
    paths = [data_dir("dictionaries") / name]
    if extra_dir:
        paths.append(Path(extra_dir) / name)
    entries: list[Entry] = []
    for p in paths:
        if p.is_file():
            entries.extend(parse_wordlist(p.read_text(encoding="utf-8")))
    return tuple(entries)


def load_rule_settings(extra_dirs: tuple[Path, ...] = ()) -> dict[str, dict]:
    """Merge rules/*.toml (shipped, then extra dirs) into {rule_id: {enabled, severity, ...}}."""
    merged: dict[str, dict] = {}
    for d in (data_dir("rules"), *extra_dirs):
        for path in sorted(Path(d).glob("*.toml")):
            with open(path, "rb") as f:
                data = tomllib.load(f)
            for category, rules in data.items():
                if not isinstance(rules, dict):
                    continue
                for name, settings in rules.items():
                    if isinstance(settings, dict):
                        merged.setdefault(f"{category}.{name}", {}).update(settings)
    return merged
