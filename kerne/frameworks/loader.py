"""Reading and writing framework files (YAML, format kerne.framework/1).

`load_framework_text` turns a file into a FrameworkSpec or raises FrameworkFileError with
every problem found, each naming the file, the line and the field in the user's language.
`dump_framework` writes a spec back as YAML. Nothing here touches the database.
"""

from __future__ import annotations

import difflib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django.utils.translation import gettext as _
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from kerne.frameworks.spec import (
    ALL_LEVELS,
    SCHEMA_ID,
    DirectionSpec,
    FrameworkSpec,
    NodeSpec,
    RoleLevelSpec,
    SectionSpec,
    StatementSpec,
    auto_statement_key,
)

SCHEMA_PATH = Path(settings.BASE_DIR) / "content" / "schema" / "framework.schema.json"

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return _("%(file)s: %(message)s") % {"file": self.file, "message": self.message}
        if not self.field:
            return _("%(file)s, line %(line)s: %(message)s") % {
                "file": self.file,
                "line": self.line,
                "message": self.message,
            }
        return _("%(file)s, line %(line)s, field %(field)s: %(message)s") % {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class FrameworkFileError(Exception):
    """A framework file that cannot be imported; `problems` says every what and where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@lru_cache(maxsize=1)
def framework_schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


# --- reading -------------------------------------------------------------------------


def load_framework_file(path: Path | str) -> FrameworkSpec:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FrameworkFileError(
            [Problem(str(path), None, "", _("the file cannot be read (%(reason)s).") % {"reason": exc.strerror})]
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrameworkFileError(
            [Problem(str(path), line, "", _("the file is not UTF-8 text. Save it as UTF-8 and try again."))]
        ) from exc
    return load_framework_text(text, filename=str(path))


def load_framework_text(text: str, *, filename: str) -> FrameworkSpec:
    if not text.strip():
        raise FrameworkFileError([Problem(filename, None, "", _("the file is empty."))])
    data = _parse_yaml(text, filename)
    if not isinstance(data, CommentedMap):
        raise FrameworkFileError(
            [
                Problem(
                    filename,
                    1,
                    "",
                    _("the file must describe one framework as fields (schema, slug, name, organisation, nodes …)."),
                )
            ]
        )
    # HR staff write `published: 2021`; YAML reads that as a number. Accept it as text.
    if isinstance(data.get("published"), int) and not isinstance(data.get("published"), bool):
        data["published"] = str(data["published"])
    problems = list(_schema_problems(data, filename))
    if not problems:
        problems = list(_content_problems(data, filename))
    if problems:
        raise FrameworkFileError(sorted(problems, key=lambda p: (p.line or 0, p.field)))
    return _build_spec(data)


def _parse_yaml(text: str, filename: str) -> Any:
    try:
        return _yaml().load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        first = exc.context_mark
        key = _duplicate_key_name(exc)
        message = _("the key '%(key)s' appears twice in the same place (first on line %(first)s).") % {
            "key": key,
            "first": first.line + 1 if first else "?",
        }
        raise FrameworkFileError([Problem(filename, mark.line + 1 if mark else None, key, message)]) from exc
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "").strip()
        message = _("the file is not valid YAML (%(problem)s). Check indentation, colons and quotes.") % {
            "problem": problem
        }
        raise FrameworkFileError([Problem(filename, mark.line + 1 if mark else None, "", message)]) from exc
    except YAMLError as exc:
        raise FrameworkFileError(
            [Problem(filename, None, "", _("the file is not valid YAML (%(problem)s).") % {"problem": exc})]
        ) from exc


def _duplicate_key_name(exc: DuplicateKeyError) -> str:
    problem = str(exc.problem or "")
    if '"' in problem:
        return problem.split('"')[1]
    return problem


# --- locating lines and naming fields ------------------------------------------------------


def _line_of(data: Any, path: Iterable[str | int]) -> int | None:
    """1-based line of the deepest element of `path` that the file records."""
    line: int | None = None
    node = data
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            line = node.lc.key(step)[0] + 1
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
            line = node.lc.item(step)[0] + 1
            node = node[step]
        else:
            break
    if line is None and hasattr(data, "lc"):
        line = data.lc.line + 1
    return line


def _field_name(data: Any, path: Iterable[str | int]) -> str:
    """A readable field path: nodes[stabil-drift].children[driftsledelse].statements.chef."""
    parts: list[str] = []
    node = data
    for step in path:
        if isinstance(step, int):
            label = str(step + 1)
            if isinstance(node, list) and step < len(node):
                item = node[step]
                if isinstance(item, dict) and isinstance(item.get("key"), str):
                    label = item["key"]
                node = item
            parts.append(f"[{label}]")
        else:
            parts.append(("." if parts else "") + step)
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts)


def _problem(data: Any, filename: str, path: Path_, message: str) -> Problem:
    return Problem(filename, _line_of(data, path), _field_name(data, path), message)


# --- schema errors, in words HR staff understand -------------------------------------------


def _type_name(name: str) -> str:
    names = {
        "string": _("a text"),
        "array": _("a list"),
        "object": _("a set of fields (name: value)"),
        "boolean": _("true or false"),
        "integer": _("a whole number"),
        "number": _("a number"),
        "null": _("empty"),
    }
    return names.get(name, name)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _schema_problems(data: CommentedMap, filename: str) -> Iterator[Problem]:
    validator = jsonschema.Draft202012Validator(framework_schema())
    plain = _plain(data)
    for error in validator.iter_errors(plain):
        yield from _translate(error, data, filename)


def _translate(error: jsonschema.ValidationError, data: Any, filename: str) -> Iterator[Problem]:
    path: Path_ = tuple(error.absolute_path)
    leaf = path[-1] if path else ""
    kind = error.validator
    instance = error.instance
    if kind == "required":
        present = instance if isinstance(instance, dict) else {}
        for name in error.validator_value:
            if name not in present:
                yield _problem(data, filename, path, _("the field '%(name)s' is missing.") % {"name": name})
        return
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for name in instance:
            if name in allowed:
                continue
            message = _("unknown field '%(name)s'.") % {"name": name}
            guess = difflib.get_close_matches(str(name), allowed, n=1)
            if guess:
                message += " " + _("Did you mean '%(guess)s'?") % {"guess": guess[0]}
            else:
                message += " " + _("Allowed here: %(allowed)s.") % {"allowed": ", ".join(allowed)}
            yield _problem(data, filename, (*path, name), message)
        return
    if kind == "propertyNames":
        yield _problem(
            data,
            filename,
            (*path, str(instance)),
            _("'%(key)s' is not a valid role-level key: use lower-case a-z, digits and hyphens.") % {"key": instance},
        )
        return
    if kind == "type":
        expected = error.validator_value
        expected_names = [expected] if isinstance(expected, str) else list(expected)
        if leaf == "statements" or (len(path) >= 2 and "statements" in path[-3:]):
            message = _(
                "statements must be a list of texts, or fields from role level to text(s); found %(found)s."
            ) % {"found": _type_name(_json_type(instance))}
        else:
            message = _("must be %(expected)s, but is %(found)s.") % {
                "expected": _(" or ").join(_type_name(n) for n in expected_names),
                "found": _type_name(_json_type(instance)),
            }
        yield _problem(data, filename, path, message)
        return
    if kind == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        if leaf == "perspective":
            message = _("unknown New Synthesis perspective '%(value)s'. Use one of: %(options)s.")
        elif leaf == "picture":
            message = _("unknown picture '%(value)s'. Use one of: %(options)s.")
        elif len(path) >= 3 and path[0] == "directions":
            message = _("unknown direction '%(value)s'. Use one of: %(options)s.")
        else:
            message = _("'%(value)s' is not allowed here. Use one of: %(options)s.")
        yield _problem(data, filename, path, message % {"value": instance, "options": options})
        return
    if kind == "const":
        if leaf == "schema":
            message = _("must be '%(expected)s' (the format this version of Kerne reads).") % {"expected": SCHEMA_ID}
        else:
            message = _("must be %(expected)s.") % {"expected": json.dumps(error.validator_value)}
        yield _problem(data, filename, path, message)
        return
    if kind == "pattern":
        if leaf in ("key", "slug") or (len(path) >= 2 and path[-2] == "statements"):
            message = _(
                "'%(value)s' is not a valid key: use lower-case a-z, digits and hyphens (æ→ae, ø→oe, å→aa)."
            ) % {"value": instance}
        elif leaf == "published":
            message = _("'%(value)s' is not a year or year-month, e.g. 2021 or 2021-12.") % {"value": instance}
        else:
            message = _("must not be empty.")
        yield _problem(data, filename, path, message)
        return
    if kind in ("minLength", "minItems", "minProperties"):
        yield _problem(data, filename, path, _("must not be empty."))
        return
    if kind == "maxLength":
        yield _problem(
            data, filename, path, _("is too long (at most %(max)s characters).") % {"max": error.validator_value}
        )
        return
    if kind == "uniqueItems":
        yield _problem(data, filename, path, _("contains the same value twice."))
        return
    if kind == "anyOf" and isinstance(instance, dict) and path[:1] == ("nodes",):
        yield _problem(
            data,
            filename,
            path,
            _(
                "a top-level area needs a New Synthesis perspective (perspective: compliance, performance, "
                "emergence or resilience), or 'general: true' if it applies across all areas."
            ),
        )
        return
    if kind == "not" and isinstance(instance, dict) and path[:1] == ("nodes",):
        yield _problem(data, filename, path, _("an area cannot have both 'perspective' and 'general'."))
        return
    yield _problem(data, filename, path, _("invalid value (%(detail)s).") % {"detail": error.message})


# --- content rules the schema cannot express ------------------------------------------------


def _content_problems(data: CommentedMap, filename: str) -> Iterator[Problem]:
    role_keys = [r["key"] for r in data.get("role_levels", [])]
    yield from _duplicates(data, filename, ("role_levels",), [str(k) for k in role_keys])
    if ALL_LEVELS in role_keys:
        index = role_keys.index(ALL_LEVELS)
        yield _problem(
            data,
            filename,
            ("role_levels", index, "key"),
            _("'%(key)s' is reserved for statements that apply to every level; choose another key.")
            % {"key": ALL_LEVELS},
        )
    yield from _duplicates(data, filename, ("directions",), [str(d["key"]) for d in data.get("directions", [])])
    yield from _duplicates(data, filename, ("sections",), [str(s["key"]) for s in data.get("sections", [])])

    known_roles = set(role_keys) | {ALL_LEVELS}
    node_keys: dict[str, Path_] = {}
    statement_keys: dict[str, Path_] = {}
    count = 0
    max_depth = 0
    node_levels = data.get("node_levels")
    for node, path, depth in _walk_nodes(data["nodes"], ("nodes",), 0):
        max_depth = max(max_depth, depth)
        key = str(node["key"])
        if key in node_keys:
            yield _problem(
                data,
                filename,
                (*path, "key"),
                _("the area key '%(key)s' is used twice (also on line %(line)s); keys must be unique in a framework.")
                % {"key": key, "line": _line_of(data, (*node_keys[key], "key"))},
            )
        else:
            node_keys[key] = path
        for st_path, role, st_key in _node_statements(node, path):
            count += 1
            if role not in known_roles:
                yield _problem(
                    data,
                    filename,
                    st_path,
                    _("statement for unknown role level '%(role)s'. Known levels: %(known)s.")
                    % {"role": role, "known": ", ".join([*role_keys, ALL_LEVELS])},
                )
            if st_key in statement_keys:
                yield _problem(
                    data,
                    filename,
                    st_path,
                    _("the statement key '%(key)s' is used twice (also on line %(line)s).")
                    % {"key": st_key, "line": _line_of(data, statement_keys[st_key])},
                )
            else:
                statement_keys[st_key] = st_path
    if node_levels is not None and max_depth + 1 > len(node_levels):
        yield _problem(
            data,
            filename,
            ("node_levels",),
            _("the tree has %(depth)s levels, but node_levels names only %(named)s.")
            % {"depth": max_depth + 1, "named": len(node_levels)},
        )
    if count == 0:
        yield _problem(data, filename, ("nodes",), _("the framework has no statements; add at least one."))


def _duplicates(data: Any, filename: str, path: Path_, keys: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            yield _problem(data, filename, (*path, index, "key"), _("the key '%(key)s' is used twice.") % {"key": key})
        seen.add(key)


def _walk_nodes(nodes: list[Any], path: Path_, depth: int) -> Iterator[tuple[Any, Path_, int]]:
    for index, node in enumerate(nodes):
        node_path = (*path, index)
        yield node, node_path, depth
        yield from _walk_nodes(node.get("children", []) or [], (*node_path, "children"), depth + 1)


def _node_statements(node: Any, path: Path_) -> Iterator[tuple[Path_, str, str]]:
    """(path, role key, statement key) for each statement of one node, in file order."""
    node_key = str(node["key"])
    for role, items in _statement_groups(node.get("statements"), (*path, "statements")):
        for index, (item, item_path) in enumerate(items, start=1):
            pinned = item.get("key") if isinstance(item, dict) else None
            yield item_path, role, str(pinned or auto_statement_key(node_key, _role(role), index))


def _statement_groups(statements: Any, path: Path_) -> Iterator[tuple[str, list[tuple[Any, Path_]]]]:
    """(role key, [(statement, its path)]) in file order; a bare list means every level."""
    if statements is None:
        return
    if isinstance(statements, list):
        yield ALL_LEVELS, [(item, (*path, i)) for i, item in enumerate(statements)]
        return
    for role, value in statements.items():
        role_path = (*path, role)
        if isinstance(value, list):
            yield str(role), [(item, (*role_path, i)) for i, item in enumerate(value)]
        else:
            yield str(role), [(value, role_path)]


def _role(role: str) -> str | None:
    return None if role == ALL_LEVELS else role


# --- building the spec -----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _clean(value: Any) -> str:
    """Text as stored: surrounding white space removed, paragraphs kept."""
    return str(value).strip() if value is not None else ""


def _build_spec(data: CommentedMap) -> FrameworkSpec:
    plain = _plain(data)
    return FrameworkSpec(
        slug=plain["slug"],
        name=_clean(plain["name"]),
        organisation=_clean(plain["organisation"]),
        unit=_clean(plain.get("unit")),
        published=_clean(plain.get("published")),
        source=_clean(plain.get("source")),
        picture=plain.get("picture", "list"),
        mission_label=_clean(plain.get("mission_label")),
        mission=_clean(plain.get("mission")),
        values=tuple(_clean(v) for v in plain.get("values", [])),
        introduction=_clean(plain.get("introduction")),
        note=_clean(plain.get("note")),
        sections=tuple(
            SectionSpec(
                key=s["key"],
                title=_clean(s["title"]),
                text=_clean(s.get("text")),
                items=tuple(_clean(i) for i in s.get("items", [])),
                note=_clean(s.get("note")),
            )
            for s in plain.get("sections", [])
        ),
        directions=tuple(
            DirectionSpec(key=d["key"], name=_clean(d["name"]), description=_clean(d.get("description")))
            for d in plain.get("directions", [])
        ),
        role_levels=tuple(
            RoleLevelSpec(key=r["key"], name=_clean(r["name"]), description=_clean(r.get("description")))
            for r in plain.get("role_levels", [])
        ),
        node_levels=tuple(_clean(n) for n in plain.get("node_levels", [])),
        nodes=tuple(_build_node(n) for n in plain["nodes"]),
    )


def _build_node(node: dict[str, Any]) -> NodeSpec:
    statements: list[StatementSpec] = []
    raw = node.get("statements")
    for role, items in _statement_groups(raw, ("statements",)):
        for index, (item, _path) in enumerate(items, start=1):
            statements.append(_build_statement(node["key"], _role(role), index, item))
    return NodeSpec(
        key=node["key"],
        name=_clean(node["name"]),
        short_name=_clean(node.get("short_name")),
        description=_clean(node.get("description")),
        note=_clean(node.get("note")),
        perspective=node.get("perspective", ""),
        general=bool(node.get("general", False)),
        statements=tuple(statements),
        children=tuple(_build_node(c) for c in node.get("children", [])),
        statements_as_map=isinstance(raw, dict),
    )


def _build_statement(node_key: str, role: str | None, index: int, item: Any) -> StatementSpec:
    auto = auto_statement_key(node_key, role, index)
    if isinstance(item, dict):
        return StatementSpec(
            key=item.get("key") or auto,
            role=role,
            text=_clean(item["text"]),
            about=_clean(item.get("about")),
            self_text=_clean(item.get("self")),
            note=_clean(item.get("note")),
            pinned_key=bool(item.get("key")) and item.get("key") != auto,
        )
    return StatementSpec(key=auto, role=role, text=_clean(item))


# --- writing ---------------------------------------------------------------------------------


def framework_to_data(spec: FrameworkSpec) -> dict[str, Any]:
    """The spec as the plain structure of a framework file (fields left out when empty)."""
    out: dict[str, Any] = {"schema": SCHEMA_ID, "slug": spec.slug, "name": spec.name}
    out["organisation"] = spec.organisation
    _put(out, "unit", spec.unit)
    _put(out, "published", spec.published)
    _put(out, "source", spec.source)
    out["picture"] = spec.picture
    _put(out, "mission_label", spec.mission_label)
    _put(out, "mission", spec.mission)
    _put(out, "values", list(spec.values))
    _put(out, "introduction", spec.introduction)
    _put(out, "note", spec.note)
    _put(
        out,
        "sections",
        [
            _compact({"key": s.key, "title": s.title, "text": s.text, "items": list(s.items), "note": s.note})
            for s in spec.sections
        ],
    )
    _put(
        out,
        "directions",
        [_compact({"key": d.key, "name": d.name, "description": d.description}) for d in spec.directions],
    )
    _put(
        out,
        "role_levels",
        [_compact({"key": r.key, "name": r.name, "description": r.description}) for r in spec.role_levels],
    )
    _put(out, "node_levels", list(spec.node_levels))
    out["nodes"] = [_node_data(n, top=True) for n in spec.nodes]
    return out


def _node_data(node: NodeSpec, *, top: bool) -> dict[str, Any]:
    out = _compact(
        {
            "key": node.key,
            "name": node.name,
            "short_name": node.short_name,
            "perspective": node.perspective if top else "",
            "description": node.description,
            "note": node.note,
        }
    )
    if top and node.general:
        out["general"] = True
    if node.statements:
        out["statements"] = _statements_data(node)
    if node.children:
        out["children"] = [_node_data(c, top=False) for c in node.children]
    return out


def _statements_data(node: NodeSpec) -> Any:
    if not node.statements_as_map and all(st.role is None for st in node.statements):
        return [_statement_data(st) for st in node.statements]
    groups: dict[str, list[Any]] = {}
    for st in node.statements:
        groups.setdefault(st.role or ALL_LEVELS, []).append(_statement_data(st))
    return {role: items[0] if len(items) == 1 else items for role, items in groups.items()}


def _statement_data(st: StatementSpec) -> Any:
    extra = _compact({"about": st.about, "self": st.self_text, "note": st.note})
    if not extra and not st.pinned_key:
        return st.text
    out: dict[str, Any] = {}
    if st.pinned_key:
        out["key"] = st.key
    out["text"] = st.text
    out.update(extra)
    return out


def _put(out: dict[str, Any], name: str, value: Any) -> None:
    if value:
        out[name] = value


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v}


def dump_framework(spec: FrameworkSpec) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(_literal_blocks(framework_to_data(spec)), stream)
    return stream.getvalue()


def _literal_blocks(value: Any) -> Any:
    """Write multi-paragraph texts as YAML `|` blocks, as a person would."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, dict):
        return {k: _literal_blocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal_blocks(v) for v in value]
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value + "\n")
    return value
