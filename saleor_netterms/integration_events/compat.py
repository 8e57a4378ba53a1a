"""Is a new version of an event schema compatible with the published one? (pure; no Django)

Compatible means: every payload valid under the NEW schema is still valid under the PUBLISHED
one, so a receiver that validates against what it downloaded never breaks. Allowed: adding
optional properties, descriptions, titles, examples. Breaking (needs a new version): removing or
renaming a property, dropping it from `required`, changing or widening a type, adding enum
values, changing a const, pattern or format, loosening `additionalProperties: false`, removing
array item constraints. `$ref`s to `#/$defs/…` are resolved within each schema.
"""
from __future__ import annotations

from typing import Any

_SAME_KEYWORDS = ("const", "pattern", "format", "minimum", "maximum", "minLength", "maxLength",
                  "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


def _resolve(node: Any, root: dict, seen: tuple = ()) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/$defs/") or ref in seen:
            return node
        seen = (*seen, ref)
        node = root.get("$defs", {}).get(ref[len("#/$defs/"):], {})
    return node


def _types(node: dict) -> set[str] | None:
    t = node.get("type")
    if t is None:
        return None
    return {t} if isinstance(t, str) else set(t)


def schema_breaking_changes(published: dict, new: dict) -> list[str]:
    """Every breaking difference, as 'path: what'. Empty: `new` may replace `published`."""
    problems: list[str] = []
    _compare(published, new, published, new, "", problems)
    return problems


def _compare(old: Any, new: Any, old_root: dict, new_root: dict, path: str, out: list[str]) -> None:
    old, new = _resolve(old, old_root), _resolve(new, new_root)
    here = path or "(root)"
    if not isinstance(old, dict):
        return
    if not isinstance(new, dict):
        out.append(f"{here}: schema replaced by {new!r}")
        return
    old_types, new_types = _types(old), _types(new)
    if old_types is not None and (new_types is None or not new_types <= old_types):
        out.append(f"{here}: type {sorted(old_types)} became {sorted(new_types) if new_types else 'any'}")
    for key in _SAME_KEYWORDS:
        if key in old and new.get(key) != old[key]:
            out.append(f"{here}: {key} {old[key]!r} became {new.get(key)!r}")
    if "enum" in old:
        added = [v for v in new.get("enum", [None]) if v not in old["enum"]] if "enum" in new else ["(any)"]
        if added:
            out.append(f"{here}: enum gained {added}")
    for keyword in ("oneOf", "anyOf"):
        if keyword in old:
            if keyword not in new:
                out.append(f"{here}: {keyword} removed")
                continue
            for i, branch in enumerate(new[keyword]):
                # each new branch must be compatible with some published branch
                if not any(not _branch_problems(ob, branch, old_root, new_root) for ob in old[keyword]):
                    out.append(f"{here}: {keyword}[{i}] matches no published branch")
    missing = sorted(set(old.get("required", [])) - set(new.get("required", [])))
    if missing:
        out.append(f"{here}: no longer required {missing}")
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, sub in old_props.items():
        if name not in new_props:
            out.append(f"{path}/{name}: removed")
            continue
        _compare(sub, new_props[name], old_root, new_root, f"{path}/{name}", out)
    if old.get("additionalProperties") is False and new.get("additionalProperties") is not False:
        out.append(f"{here}: additionalProperties false was loosened")
    if "items" in old:
        if "items" not in new:
            out.append(f"{here}: items constraint removed")
        else:
            _compare(old["items"], new["items"], old_root, new_root, f"{path}[]", out)


def _branch_problems(old: Any, new: Any, old_root: dict, new_root: dict) -> list[str]:
    out: list[str] = []
    _compare(old, new, old_root, new_root, "", out)
    return out
