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
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, MappingStartEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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

# Limits that keep a wrong or hostile file from tying up the server. The largest real framework
# (Holstebro, 96 statements) is 32 kB; these are far above any framework a person writes.
MAX_FILE_BYTES = 1_000_000
MAX_STATEMENTS = 5_000
MAX_NODES = 2_000
MAX_NESTING = 40  # fields and lists inside each other
MAX_SCALARS = 100_000  # texts and values in the whole file


def load_framework_file(path: Path | str) -> FrameworkSpec:
    return read_framework_file(path)[0]


def read_framework_file(path: Path | str) -> tuple[FrameworkSpec, str]:
    """The spec of a framework file and its text (kept so that export can give back the comments)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FrameworkFileError([_too_large(str(path), size)])
        raw = path.read_bytes()
    except OSError as exc:
        raise FrameworkFileError(
            [Problem(str(path), None, "", _("the file cannot be read (%(reason)s).") % {"reason": exc.strerror})]
        ) from exc
    text = decode_framework_bytes(raw, filename=str(path))
    return load_framework_text(text, filename=str(path)), text


def decode_framework_bytes(raw: bytes, *, filename: str) -> str:
    """The text of a framework file (UTF-8, with or without BOM), or FrameworkFileError."""
    if len(raw) > MAX_FILE_BYTES:
        raise FrameworkFileError([_too_large(filename, len(raw))])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrameworkFileError(
            [Problem(filename, line, "", _("the file is not UTF-8 text. Save it as UTF-8 and try again."))]
        ) from exc


def _too_large(filename: str, size: int) -> Problem:
    return Problem(
        filename,
        None,
        "",
        _("the file is too large (%(size)s kB; at most %(max)s kB). A framework file holds text only.")
        % {"size": size // 1000, "max": MAX_FILE_BYTES // 1000},
    )


def load_framework_text(text: str, *, filename: str) -> FrameworkSpec:
    """The spec of a framework file, or FrameworkFileError with every problem found, each once.

    Problems that stop the file from being read at all (too large, tabs, YAML syntax, aliases)
    are reported alone; otherwise duplicate fields, the schema and the content rules are all
    checked in the same pass, so fixing one problem never reveals the next.
    """
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise FrameworkFileError([_too_large(filename, len(text.encode("utf-8")))])
    if not text.strip():
        raise FrameworkFileError([Problem(filename, None, "", _("the file is empty."))])
    tabs = list(_tab_problems(text, filename))
    if tabs:
        raise FrameworkFileError(tabs)
    _check_events(text, filename)
    root = _compose(text, filename)
    problems = _duplicate_field_problems(root, filename)
    data = _construct(root, text, filename)
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
    _check_size(data, filename)
    # HR staff write `published: 2021`; YAML reads that as a number. Accept it as text.
    if isinstance(data.get("published"), int) and not isinstance(data.get("published"), bool):
        data["published"] = str(data["published"])
    problems += _schema_problems(data, filename)
    problems += _content_problems(data, filename)
    if problems:
        unique = list(dict.fromkeys(problems))  # the same problem found by two checks is said once
        raise FrameworkFileError(sorted(unique, key=lambda p: (p.line or 0, p.field)))
    return _build_spec(data)


# --- before the YAML is read: tabs, syntax, aliases, size --------------------------------------


def _tab_problems(text: str, filename: str) -> Iterator[Problem]:
    """Every line indented with a tab (YAML indents with spaces only; an editor may hide the tab)."""
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            yield Problem(
                filename,
                number,
                "",
                _(
                    "the line is indented with a tab character. YAML indents with spaces only: "
                    "replace the tab with spaces (two per level)."
                ),
            )


def _check_events(text: str, filename: str) -> None:
    """Read the file as a stream of YAML events: syntax errors, aliases and size, in linear time.

    Anchors and aliases (&name, *name) let a few lines expand into billions of values (an "alias
    bomb"); a framework never needs them, so they are refused before anything is built.
    """
    problems: list[Problem] = []
    depth = scalars = 0
    statements = _StatementCounter()
    try:
        for event in _yaml().parse(text):
            if statements.see(event) > MAX_STATEMENTS:
                raise FrameworkFileError(
                    [
                        Problem(
                            filename,
                            event.start_mark.line + 1,
                            "",
                            _("the framework has more than %(max)s statements; at most %(max)s are allowed.")
                            % {"max": MAX_STATEMENTS},
                        )
                    ]
                )
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                if problems and problems[-1].line == mark.line + 1:
                    continue  # one problem per line
                problems.append(
                    Problem(
                        filename,
                        mark.line + 1,
                        "",
                        _(
                            "the file uses a YAML anchor or alias (&name or *name). Kerne does not accept them in a "
                            "framework file: write the text out in full in each place."
                        ),
                    )
                )
                if len(problems) >= 20:
                    break
            elif isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    raise FrameworkFileError(
                        [
                            Problem(
                                filename,
                                event.start_mark.line + 1,
                                "",
                                _("the fields are nested too deeply (more than %(max)s levels).")
                                % {"max": MAX_NESTING},
                            )
                        ]
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            elif isinstance(event, ScalarEvent):
                scalars += 1
                if scalars > MAX_SCALARS:
                    raise FrameworkFileError(
                        [
                            Problem(
                                filename,
                                event.start_mark.line + 1,
                                "",
                                _("the file has too many values (more than %(max)s).") % {"max": MAX_SCALARS},
                            )
                        ]
                    )
    except MarkedYAMLError as exc:
        raise FrameworkFileError([_syntax_problem(exc, text, filename)]) from exc
    except YAMLError as exc:
        raise FrameworkFileError(
            [Problem(filename, None, "", _("the file is not valid YAML (%(problem)s).") % {"problem": exc})]
        ) from exc
    if problems:
        raise FrameworkFileError(list(dict.fromkeys(problems)))


class _StatementCounter:
    """Counts statements while the events stream past: every text under a `statements` field, except
    the fields that describe a statement rather than being one (key, about, self, note)."""

    NOT_A_STATEMENT = frozenset({"key", "about", "self", "note"})

    def __init__(self) -> None:
        # Per open collection: is it a mapping, is the next scalar a key, the current key, under statements.
        self.stack: list[list[Any]] = []
        self.count = 0

    def _value_context(self) -> tuple[bool, str]:
        """(under statements, own key) for a value that starts now."""
        if not self.stack:
            return False, ""
        is_map, _expect_key, key, under = self.stack[-1]
        if is_map:
            self.stack[-1][1] = True  # after this value, a key comes next
            return under or key == "statements", key
        return under, ""

    def see(self, event: Any) -> int:
        if isinstance(event, ScalarEvent):
            top = self.stack[-1] if self.stack else None
            if top is not None and top[0] and top[1]:
                top[1], top[2] = False, str(event.value)  # a key
                return self.count
            under, key = self._value_context()
            if under and key not in self.NOT_A_STATEMENT and str(event.value).strip():
                self.count += 1
        elif isinstance(event, CollectionStartEvent):
            under, _key = self._value_context()
            self.stack.append([isinstance(event, MappingStartEvent), True, "", under])
        elif isinstance(event, CollectionEndEvent) and self.stack:
            self.stack.pop()
        return self.count


def _syntax_problem(exc: MarkedYAMLError, text: str, filename: str) -> Problem:
    """A YAML syntax error in Danish, at the line where the author has to look."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    here = exc.problem_mark or exc.context_mark
    opened = exc.context_mark
    line = here.line + 1 if here is not None else None

    def at(mark: Any) -> int | None:
        return mark.line + 1 if mark is not None else line

    if "quoted scalar" in context and "end of stream" in problem and opened is not None:
        quote = text[opened.index] if opened.index < len(text) else '"'
        return Problem(
            filename,
            at(opened),
            "",
            _(
                "a text in quotes (%(quote)s) starts here but is never closed. Put the closing %(quote)s at the end "
                "of the text."
            )
            % {"quote": quote},
        )
    if "'\\t'" in problem or "\t" in problem:
        return Problem(
            filename,
            line,
            "",
            _("there is a tab character here. YAML uses spaces, never tabs: replace the tab with spaces."),
        )
    if "mapping values are not allowed" in problem:
        return Problem(
            filename,
            line,
            "",
            _(
                "a colon followed by a space (': ') inside a text. Put the whole text in quotes, "
                'e.g. name: "Drift: økonomi og regler".'
            ),
        )
    if "could not find expected ':'" in problem:
        return Problem(
            filename,
            at(opened),
            "",
            _(
                "the line has no colon. Write 'field: value', or indent the line further if it continues the "
                "text of the line above."
            ),
        )
    if "flow sequence" in context or "flow mapping" in context:
        brackets = "[ ]" if "sequence" in context else "{ }"
        return Problem(
            filename,
            at(opened),
            "",
            _(
                "the %(brackets)s opened on this line is not closed, or a text in it contains a colon or a comma. "
                "Write one '- ' line per item instead."
            )
            % {"brackets": brackets},
        )
    if "found '<scalar>'" in problem:
        return Problem(
            filename,
            line,
            "",
            _(
                "unexpected text here, e.g. after a closing quote or on a line indented wrongly. If the text "
                "contains quotes, put it all in the other kind of quotes ('…' or \"…\")."
            ),
        )
    if "expected <block end>" in problem or "expected '-'" in problem or "expected key" in problem:
        return Problem(
            filename,
            line,
            "",
            _(
                "the indentation of this line does not fit the lines above it. Indent a field with as many spaces "
                "as the other fields at its level."
            ),
        )
    if "undefined alias" in problem:
        return Problem(
            filename,
            line,
            "",
            _(
                "the file uses a YAML alias (*name). Kerne does not accept them in a framework file: write the "
                "text out in full in each place."
            ),
        )
    return Problem(
        filename,
        line,
        "",
        _("the file cannot be read as YAML here (the parser says: %(problem)s). Check indentation, colons and quotes.")
        % {"problem": problem or context},
    )


def _duplicate_field_problems(root: Node | None, filename: str) -> list[Problem]:
    """Every field written twice in the same place, at the second one, naming the first one's line."""
    problems: list[Problem] = []
    stack: list[tuple[Node, str]] = [(root, "")] if root is not None else []
    while stack:
        node, path = stack.pop()
        if isinstance(node, MappingNode):
            seen: dict[str, Node] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                field_path = f"{path}.{key}" if path else key
                if key in seen:
                    problems.append(
                        Problem(
                            filename,
                            key_node.start_mark.line + 1,
                            field_path,
                            _(
                                "the field '%(key)s' is written twice here (first on line %(first)s); "
                                "remove one of them."
                            )
                            % {"key": key, "first": seen[key].start_mark.line + 1},
                        )
                    )
                else:
                    seen[key] = key_node
                stack.append((value_node, field_path))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                label = index + 1
                if isinstance(item, MappingNode):
                    keys = {str(k.value): v for k, v in item.value}
                    if isinstance(keys.get("key"), ScalarNode):
                        label = keys["key"].value
                stack.append((item, f"{path}[{label}]"))
    return problems


def _compose(text: str, filename: str) -> Node | None:
    """The file's node tree (with lines), read once for the duplicate check and for the data."""
    try:
        root: Node | None = _yaml().compose(text)
        return root
    except MarkedYAMLError as exc:
        raise FrameworkFileError([_syntax_problem(exc, text, filename)]) from exc
    except YAMLError as exc:
        raise FrameworkFileError(
            [Problem(filename, None, "", _("the file is not valid YAML (%(problem)s).") % {"problem": exc})]
        ) from exc


def _construct(root: Node | None, text: str, filename: str) -> Any:
    if root is None:
        return None
    yaml = _yaml()
    yaml.allow_duplicate_keys = True  # reported with both lines by _duplicate_field_problems
    try:
        return yaml.constructor.construct_document(root)
    except MarkedYAMLError as exc:
        raise FrameworkFileError([_syntax_problem(exc, text, filename)]) from exc


def _check_size(data: CommentedMap, filename: str) -> None:
    nodes = statements = 0
    pending = [data.get("nodes")]
    while pending:
        items = pending.pop()
        if not isinstance(items, list):
            continue
        for node in items:
            if not isinstance(node, dict):
                continue
            nodes += 1
            raw = node.get("statements")
            if isinstance(raw, list):
                statements += len(raw)
            elif isinstance(raw, dict):
                statements += sum(len(v) if isinstance(v, list) else 1 for v in raw.values())
            pending.append(node.get("children"))
    limit = None
    if statements > MAX_STATEMENTS:
        limit = _("the framework has %(count)s statements; at most %(max)s are allowed.") % {
            "count": statements,
            "max": MAX_STATEMENTS,
        }
    elif nodes > MAX_NODES:
        limit = _("the framework has %(count)s areas; at most %(max)s are allowed.") % {
            "count": nodes,
            "max": MAX_NODES,
        }
    if limit:
        raise FrameworkFileError([_problem(data, filename, ("nodes",), limit)])


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


def _schema_problems(data: CommentedMap, filename: str) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(framework_schema())
    plain = _plain(data)
    return [problem for error in validator.iter_errors(plain) for problem in _translate(error, data, filename)]


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


def _keys_of(items: Any) -> list[str]:
    """The `key` of each item of a list of fields (tolerating whatever the schema already reported)."""
    if not isinstance(items, list):
        return []
    return [str(item.get("key")) if isinstance(item, dict) else "" for item in items]


def _content_problems(data: CommentedMap, filename: str) -> list[Problem]:
    """The rules a schema cannot say. Runs beside the schema, so it tolerates a malformed file."""
    problems: list[Problem] = []
    role_keys = [k for k in _keys_of(data.get("role_levels")) if k]
    problems += _duplicates(data, filename, ("role_levels",), _keys_of(data.get("role_levels")))
    if ALL_LEVELS in role_keys:
        index = role_keys.index(ALL_LEVELS)
        problems.append(
            _problem(
                data,
                filename,
                ("role_levels", index, "key"),
                _("'%(key)s' is reserved for statements that apply to every level; choose another key.")
                % {"key": ALL_LEVELS},
            )
        )
    problems += _duplicates(data, filename, ("directions",), _keys_of(data.get("directions")))
    problems += _duplicates(data, filename, ("sections",), _keys_of(data.get("sections")))
    nodes = data.get("nodes")
    if not isinstance(nodes, list):
        return problems  # the schema says what is wrong

    known_roles = set(role_keys) | {ALL_LEVELS}
    node_keys: dict[str, Path_] = {}
    repeated_nodes: set[str] = set()
    statement_keys: dict[str, tuple[Path_, bool]] = {}
    count = 0
    max_depth = 0
    node_levels = data.get("node_levels")
    for node, path, depth in _walk_nodes(nodes, ("nodes",), 0):
        max_depth = max(max_depth, depth)
        key = str(node.get("key"))
        if key in node_keys:
            repeated_nodes.add(key)
            problems.append(
                _problem(
                    data,
                    filename,
                    (*path, "key"),
                    _(
                        "the area key '%(key)s' is used twice (also on line %(line)s); keys must be unique in a "
                        "framework."
                    )
                    % {"key": key, "line": _line_of(data, (*node_keys[key], "key"))},
                )
            )
        else:
            node_keys[key] = path
        for st_path, role, st_key, pinned in _node_statements(node, path):
            count += 1
            if role not in known_roles and isinstance(data.get("role_levels", []), list):
                problems.append(
                    _problem(
                        data,
                        filename,
                        st_path,
                        _("statement for unknown role level '%(role)s'. Known levels: %(known)s.")
                        % {"role": role, "known": ", ".join([*role_keys, ALL_LEVELS])},
                    )
                )
            if st_key in statement_keys:
                first_path, first_pinned = statement_keys[st_key]
                if not pinned and not first_pinned and key in repeated_nodes:
                    continue  # a key Kerne made from the repeated area key: that one is reported already
                if first_pinned or pinned:
                    message = _("the statement key '%(key)s' is used twice (also on line %(line)s).")
                else:
                    message = _(
                        "the statement key '%(key)s' is used twice (also on line %(line)s): Kerne makes it from the "
                        "area key, the level and the number; give one of the statements its own key."
                    )
                problems.append(
                    _problem(data, filename, st_path, message % {"key": st_key, "line": _line_of(data, first_path)})
                )
            else:
                statement_keys[st_key] = (st_path, pinned)
    if isinstance(node_levels, list) and node_levels and max_depth + 1 > len(node_levels):
        problems.append(
            _problem(
                data,
                filename,
                ("node_levels",),
                _("the tree has %(depth)s levels, but node_levels names only %(named)s.")
                % {"depth": max_depth + 1, "named": len(node_levels)},
            )
        )
    if count == 0 and nodes:
        problems.append(_problem(data, filename, ("nodes",), _("the framework has no statements; add at least one.")))
    return problems


def _duplicates(data: Any, filename: str, path: Path_, keys: list[str]) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, key in enumerate(keys):
        if key and key in seen:
            problems.append(
                _problem(data, filename, (*path, index, "key"), _("the key '%(key)s' is used twice.") % {"key": key})
            )
        seen.add(key)
    return problems


def _walk_nodes(nodes: list[Any], path: Path_, depth: int) -> Iterator[tuple[Any, Path_, int]]:
    for index, node in enumerate(nodes):
        if not isinstance(node, dict):
            continue
        node_path = (*path, index)
        yield node, node_path, depth
        children = node.get("children")
        if isinstance(children, list):
            yield from _walk_nodes(children, (*node_path, "children"), depth + 1)


def _node_statements(node: Any, path: Path_) -> Iterator[tuple[Path_, str, str, bool]]:
    """(path, role key, statement key, whether the file gave the key) per statement of one node, in file order."""
    node_key = str(node.get("key"))
    statements = node.get("statements")
    if not isinstance(statements, list | dict):
        return
    for role, items in _statement_groups(statements, (*path, "statements")):
        for index, (item, item_path) in enumerate(items, start=1):
            pinned = item.get("key") if isinstance(item, dict) else None
            yield item_path, role, str(pinned or auto_statement_key(node_key, _role(role), index)), bool(pinned)


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


def dump_framework(spec: FrameworkSpec, *, source: str = "") -> str:
    """The spec as a framework file, without trailing spaces.

    With `source` (the file as last loaded) the author's file comes back with its `#` comments and
    layout: as it was when it still says the same, else with the new content put into it (ruamel's
    round trip keeps the comments of everything that is still there). A freshly written file has
    no comments to keep.
    """
    if source:
        kept = _keeping_comments(spec, source)
        if kept is not None:
            return kept
    return _without_trailing_spaces(_dump(_literal_blocks(framework_to_data(spec))), spec)


def _dump(data: Any) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _same(text: str, spec: FrameworkSpec) -> bool:
    try:
        return load_framework_text(text, filename="export.yaml") == spec
    except FrameworkFileError:
        return False


def _without_trailing_spaces(text: str, spec: FrameworkSpec) -> str:
    """Trailing spaces removed from every line, unless one is part of a text (a `|` block)."""
    stripped = "\n".join(line.rstrip(" \t") for line in text.splitlines()) + "\n"
    return stripped if stripped == text or _same(stripped, spec) else text


def _keeping_comments(spec: FrameworkSpec, source: str) -> str | None:
    if _same(source, spec):
        return _without_trailing_spaces(source, spec)
    try:
        data = _yaml().load(source)
    except YAMLError:
        return None
    merged = _dump(_merge(data, _literal_blocks(framework_to_data(spec))))
    return _without_trailing_spaces(merged, spec) if _same(merged, spec) else None


def _merge(old: Any, new: Any) -> Any:
    """`new` written into `old` so that what did not change keeps its place, style and comments."""
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = _merge(old[key], value) if key in old else value
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        by_key = {item.get("key"): item for item in old if isinstance(item, dict) and item.get("key")}
        items = []
        for index, item in enumerate(new):
            key = item.get("key") if isinstance(item, dict) else None
            if key is not None:
                items.append(_merge(by_key[key], item) if key in by_key else item)
            else:
                items.append(_merge(old[index], item) if index < len(old) else item)
        old[:] = items
        return old
    if isinstance(new, str) and not isinstance(old, dict | list) and _clean(old) == _clean(new):
        return old  # same text: keep how it was written (quotes, | block, a year as a number)
    return new


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
