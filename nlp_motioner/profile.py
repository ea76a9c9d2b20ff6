"""Profiles: the rule data that structure and tag stages read, per organisation.

The default profile is general Swedish administrative language: the heading vocabulary
(`structure/headings.toml`) and the lexicons (`taggers/lexicons/*.toml`). An organisation
profile (`profiles/*.toml` in the package, or a file of the user's own) adds a house
style on top: committee abbreviations, local parties and bodies, template field names,
case-number shapes. It never replaces the general rules; lists are extended and single
values overridden, table by table.

A profile is chosen per document: by name or path (`--profile`, or the environment
variable `MOTIONER_PROFILE`, which worker processes inherit), or else automatically from
the organisation the document names (the profiles' `[match]` tables). Profiles of the
user's own are `.toml` files given by path, or placed in a folder named by
`MOTIONER_PROFILE_PATH` (separated like PATH) and then chosen by name or by `[match]`.

Stages receive the loaded `Profile` explicitly and compile what they need from it once
per profile (`Profile.compiled`), so nothing is compiled at import.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from nlp_motioner._data import load_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "Profile",
    "ProfileError",
    "load_profile",
    "default_profile",
    "available_profiles",
    "choose_profile",
]

# The general rule tables and the package files that hold them.
TABLES: dict[str, str] = {
    "headings": "structure/headings.toml",
    "minutes": "structure/minutes.toml",
    "casenumbers": "structure/casenumbers.toml",
    "outcomes": "taggers/lexicons/outcomes.toml",
    "doctypes": "taggers/lexicons/doctypes.toml",
    "parties": "taggers/lexicons/parties.toml",
    "bodies": "taggers/lexicons/bodies.toml",
    "titles": "taggers/lexicons/titles.toml",
    "metadata": "taggers/lexicons/metadata.toml",
}
ENV_PROFILE = "MOTIONER_PROFILE"
ENV_PATH = "MOTIONER_PROFILE_PATH"
_MAX_PROFILE_BYTES = 1_000_000

T = TypeVar("T")


class ProfileError(ValueError):
    """A profile that cannot be found or read; the message is one line a user can act on."""


class Profile:
    """Merged rule tables of the general profile and one organisation's overlay."""

    def __init__(self, name: str, tables: dict[str, dict[str, Any]], match: dict[str, Any]):
        self.name = name
        self._tables = tables
        self.match = match
        self._compiled: dict[str, Any] = {}
        self._table_digests: dict[str, str] = {}
        digest = json.dumps(tables, sort_keys=True, ensure_ascii=False, default=str)
        self.fingerprint = hashlib.sha1(digest.encode("utf-8")).hexdigest()[:12]

    def table(self, name: str) -> dict[str, Any]:
        """One rule table (a dict as read from TOML); empty when the profile has none."""
        return self._tables.get(name, {})

    def compiled(self, key: str, build: Callable[[Profile], T]) -> T:
        """`build(self)`, computed once per profile and key (compiled patterns, lookups).

        Profiles whose tables read by `build` are equal share one result: an
        organisation's profile that adds committee names only does not compile the
        outcome phrases again (every worker paid that once per profile in a batch).
        """
        if key in self._compiled:
            return self._compiled[key]
        read = _TABLES_READ.get(key)
        if read is not None:
            shared = _SHARED.get((key, build, self._digests(read)))
            if shared is not None:
                self._compiled[key] = shared
                return shared
        recorder = _Recorder(self)
        value = build(recorder)  # type: ignore[arg-type]
        if not recorder.other:
            read = _TABLES_READ[key] = tuple(sorted(recorder.read))
            _SHARED[(key, build, self._digests(read))] = value
        self._compiled[key] = value
        return value

    def _digests(self, names: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for name in names:
            digest = self._table_digests.get(name)
            if digest is None:
                text = json.dumps(self.table(name), sort_keys=True, ensure_ascii=False, default=str)
                digest = self._table_digests[name] = hashlib.sha1(text.encode("utf-8")).hexdigest()
            out.append(digest)
        return tuple(out)

    def __repr__(self) -> str:
        return f"Profile({self.name!r})"

    # Profiles travel to worker processes by name or path and are rebuilt there.
    def __reduce__(self):
        return (load_profile, (self.name,))


# Which tables each compiled key's build reads, and results by (key, build, the digests of
# those tables): shared between profiles within a process.
_TABLES_READ: dict[str, tuple[str, ...]] = {}
_SHARED: dict[tuple[Any, ...], Any] = {}


class _Recorder:
    """The profile as a build sees it, noting which tables it reads. A build that asks for
    anything else (the profile's name, say) is not shared."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self.read: set[str] = set()
        self.other = False

    def table(self, name: str) -> dict[str, Any]:
        self.read.add(name)
        return self._profile.table(name)

    def compiled(self, key: str, build: Callable[[Profile], T]) -> T:
        value = self._profile.compiled(key, build)
        nested = _TABLES_READ.get(key)
        if nested is None:
            self.other = True  # what the nested build read is not known
        else:
            self.read.update(nested)
        return value

    def __getattr__(self, name: str) -> Any:
        self.other = True
        return getattr(self._profile, name)


def _merge(base: Any, overlay: Any) -> Any:
    """Tables merge key by key, lists extend (without repeats), other values are replaced."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        out = dict(base)
        for key, value in overlay.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(overlay, list):
        return base + [v for v in overlay if v not in base]
    return overlay


@lru_cache(maxsize=1)
def _general() -> dict[str, dict[str, Any]]:
    return {name: load_toml(path) for name, path in TABLES.items()}


def _search_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get(ENV_PATH, "").split(os.pathsep) if p]
    return dirs


def _package_profiles() -> dict[str, Any]:
    folder = resources.files("nlp_motioner").joinpath("profiles")
    return {ref.name[:-5]: ref for ref in folder.iterdir() if ref.name.endswith(".toml")}


def available_profiles() -> list[str]:
    """Names of the profiles that can be chosen by name (package and MOTIONER_PROFILE_PATH)."""
    names = set(_package_profiles())
    for folder in _search_dirs():
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.toml"))
    return sorted(names | {"default"})


def _read_overlay(name_or_path: str) -> tuple[str, dict[str, Any]]:
    path = Path(name_or_path)
    if name_or_path.endswith(".toml") or os.sep in name_or_path:
        if not path.is_file():
            raise ProfileError(f"profile file not found: {name_or_path}")
        return path.stem, _parse(path.read_bytes()[:_MAX_PROFILE_BYTES], name_or_path)
    for folder in _search_dirs():
        candidate = folder / f"{name_or_path}.toml"
        if candidate.is_file():
            return name_or_path, _parse(candidate.read_bytes()[:_MAX_PROFILE_BYTES], candidate)
    packaged = _package_profiles().get(name_or_path)
    if packaged is not None:
        return name_or_path, _parse(packaged.read_bytes(), packaged.name)
    known = ", ".join(available_profiles())
    raise ProfileError(f"unknown profile '{name_or_path}' (known: {known}; or give a .toml path)")


def _parse(data: bytes, where: object) -> dict[str, Any]:
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"profile {where} is not valid TOML ({exc})") from exc
    for key, value in parsed.items():
        if key not in TABLES and key not in ("profile", "match") or not isinstance(value, dict):
            raise ProfileError(
                f"profile {where}: unknown table [{key}] (tables: {', '.join(TABLES)}, match)"
            )
    return parsed


@lru_cache(maxsize=64)
def load_profile(name_or_path: str | None = None) -> Profile:
    """The general profile, or the general profile with an organisation's overlay on top."""
    if not name_or_path or name_or_path == "default":
        return Profile("default", _general(), {})
    name, overlay = _read_overlay(name_or_path)
    tables = {
        key: _merge(base, overlay.get(key, {})) if key in overlay else base
        for key, base in _general().items()
    }
    profile = Profile(name if not name_or_path.endswith(".toml") else name_or_path, tables, {})
    profile.match = overlay.get("match", {})
    return profile


def default_profile() -> Profile:
    """The general profile: what a stage uses when it is given none."""
    return load_profile(None)


@lru_cache(maxsize=1)
def _matchers() -> list[tuple[str, list[re.Pattern[str]], list[str], dict[str, list[str]]]]:
    out = []
    for name in available_profiles():
        if name == "default":
            continue
        try:
            profile = load_profile(name)
        except ProfileError:
            continue
        match = profile.match
        names = [re.compile(rf"\b{re.escape(n)}\b", re.I) for n in match.get("organisations", [])]
        domains = [d.lower() for d in match.get("domains", [])]
        front = {
            k: [str(v).lower() for v in _as_list(vs)]
            for k, vs in match.get("front_matter", {}).items()
        }
        out.append((name, names, domains, front))
    return out


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def choose_profile(
    text: str, metadata: Mapping[str, Any] | None = None, *, explicit: str | None = None
) -> Profile:
    """The profile for one document: `explicit` (a name or path) or MOTIONER_PROFILE if
    given, else the organisation profile whose `[match]` fits the document's head or
    metadata, else the general profile."""
    forced = explicit or os.environ.get(ENV_PROFILE)
    if forced:
        return load_profile(forced)
    metadata = metadata or {}
    head = text[:3000]
    header = " ".join(str(h) for h in metadata.get("page_header") or [])
    front = metadata.get("front_matter") or {}
    scores: list[tuple[int, str]] = []
    for name, names, domains, front_keys in _matchers():
        score = 0
        for key, values in front_keys.items():
            if str(front.get(key, "")).lower() in values:
                score += 3
        for pattern in names:
            if pattern.search(header) or pattern.search(head):
                score += 2
        lowered = head.lower()
        score += sum(1 for d in domains if d in lowered)
        if score:
            scores.append((score, name))
    if scores:
        return load_profile(max(scores)[1])
    return default_profile()
