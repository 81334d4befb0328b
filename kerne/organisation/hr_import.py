"""Reading the org-chart file that Danish HR and payroll systems export (pure: no database).

`read_hr_file` turns the bytes of a CSV file into `HrRow`s and every problem it finds, each with
its line number and field, in the user's language. `check_rows` then checks the rows against each
other (duplicates, managers, cycles, the unit tree) and against the organisation's role levels,
which the caller passes in. Nothing here touches the ORM, so every rule is testable on its own.

The file: one line per person, a header line first, `;` or `,` (or tab) between fields, UTF-8
with or without BOM or Windows-1252. Which header holds which field is a `ColumnMapping`; the
default accepts the Danish headers and their common variants, matched without regard to case,
spaces and punctuation.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

# --- the columns -------------------------------------------------------------------------


JOIN = "+"  # "Fornavn+Efternavn": one field built from several columns, joined by a space


@dataclass(frozen=True)
class ColumnMapping:
    """Which header in the file holds which field.

    Each field lists the header names it accepts; the first is the one Kerne writes itself.
    Headers match without regard to case, spaces, hyphens and dots ("E-mail" = "email"), and
    æ/ø/å may be written ae/oe/aa. A name may join several columns with "+": "Fornavn+Efternavn"
    reads the two columns and puts a space between them (used when no single column matches).
    To read another system's export, replace a field's names, e.g.
    `ColumnMapping().with_headers(employee_number="Lønnummer", name="Fornavn+Efternavn")`; the
    fields given so are `explicit`: their columns must be in the file, and an empty choice means
    "the file has no such column".
    """

    employee_number: tuple[str, ...] = (
        "Medarbejdernr",
        "Medarbejdernummer",
        "Medarbejder nr",
        "Medarb.nr.",
        "Medarbejder-ID",
        "Lønnummer",
        "Lønnr",
        "Tjenestenummer",
        "Tjenestenr",
        "Personalenummer",
        "Ansatnummer",
    )
    name: tuple[str, ...] = (
        "Navn",
        "Fulde navn",
        "Medarbejdernavn",
        "Fornavn+Mellemnavn+Efternavn",
        "Fornavn+Efternavn",
        "Fornavne+Efternavn",
    )
    email: tuple[str, ...] = ("E-mail", "Email", "E-mailadresse", "Mail", "Arbejdsmail", "Mailadresse")
    unit_name: tuple[str, ...] = (
        "Enhed",
        "Enhedsnavn",
        "Afdeling",
        "Afdelingsnavn",
        "Organisatorisk enhed",
        "Organisationsenhed",
    )
    unit_code: tuple[str, ...] = (
        "Enhedskode",
        "Enhedsnr",
        "Enhedsnummer",
        "Afdelingskode",
        "Afdelingsnr",
        "Enheds-ID",
        "Organisationsenhed nr",
    )
    parent_unit_code: tuple[str, ...] = (
        "Overordnet enhedskode",
        "Overordnet enhed",
        "Overordnet enhedsnr",
        "Forældreenhed",
    )
    manager_number: tuple[str, ...] = (
        "Leders medarbejdernr",
        "Leder medarbejdernr",
        "Leders medarbejdernummer",
        "Leder medarbejdernummer",
        "Leders nr",
        "Nærmeste leders medarbejdernr",
        "Leders lønnr",
        "Leders lønnummer",
    )
    role_level: tuple[str, ...] = ("Stillingsniveau", "Niveau", "Ledelsesniveau", "Stillingsniveauer", "Lederniveau")
    start_date: tuple[str, ...] = ("Startdato", "Ansættelsesdato", "Ansat dato", "Ansat fra", "Tiltrådt")
    on_leave: tuple[str, ...] = ("Orlov", "På orlov")
    explicit: frozenset[str] = field(default=frozenset(), compare=False)

    def with_headers(self, **names: str | Iterable[str]) -> ColumnMapping:
        """A copy where the given fields accept exactly the given header name(s) ("" or (): not in the file)."""
        known = set(FIELD_ORDER)
        unknown = sorted(set(names) - known)
        if unknown:
            raise ValueError(f"Unknown column field(s): {', '.join(unknown)}")
        chosen = {k: ((v,) if v else ()) if isinstance(v, str) else tuple(h for h in v if h) for k, v in names.items()}
        return replace(self, explicit=self.explicit | set(names), **chosen)

    @classmethod
    def from_choice(cls, choice: Mapping[str, str]) -> ColumnMapping:
        """The mapping HR chose (field -> "Header" or "A+B", "" for none); fields left out are guessed."""
        return cls().with_headers(**{k: v for k, v in choice.items() if k in FIELD_ORDER})

    def label(self, name: str) -> str:
        """The field's Danish header as Kerne writes it."""
        headers: tuple[str, ...] = getattr(self, name)
        return headers[0] if headers else ColumnMapping().label(name)

    def alternatives(self, name: str) -> tuple[str, ...]:
        alternatives: tuple[str, ...] = getattr(self, name)
        return alternatives


def split_columns(alternative: str) -> list[str]:
    """The columns of a joined choice: "Fornavn + Efternavn" -> ["Fornavn", "Efternavn"]."""
    return [part.strip() for part in alternative.split(JOIN) if part.strip()]


# Fields in the order Kerne writes them.
FIELD_ORDER: tuple[str, ...] = (
    "employee_number",
    "name",
    "email",
    "unit_name",
    "unit_code",
    "parent_unit_code",
    "manager_number",
    "role_level",
    "start_date",
    "on_leave",
)
# Columns a file must have; values may still be empty where the rules allow (top unit, top person).
REQUIRED_COLUMNS: frozenset[str] = frozenset(
    {"employee_number", "name", "unit_name", "unit_code", "parent_unit_code", "manager_number", "role_level"}
)
# Fields that must have a value on every line.
REQUIRED_VALUES: tuple[str, ...] = ("employee_number", "name", "unit_code", "unit_name", "role_level")

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ö": "oe", "ä": "ae", "ü": "u"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def header_key(text: str) -> str:
    """A header reduced to letters and digits: 'Leders medarbejdernr.' -> 'ledersmedarbejdernr'."""
    return _NOT_ALNUM.sub("", text.strip().lower().translate(_FOLD))


def fold(text: str) -> str:
    """A role level as compared: lower case, æ/ø/å spelt out, hyphens as spaces.

    'Leder af medarbejdere', 'leder-af-medarbejdere' and 'LEDER AF MEDARBEJDERE' are equal;
    so are 'Direktør' and 'direktoer'.
    """
    return " ".join(_NOT_ALNUM.sub(" ", text.lower().translate(_FOLD)).split())


# --- what a line becomes -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (line, field as headed in the file) and what."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message[:1].upper() + self.message[1:]
        if not self.field:
            return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return _("line %(line)s, field %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


@dataclass(frozen=True)
class HrRow:
    """One person as the file describes them. `line` is the line the record starts on."""

    line: int
    employee_number: str
    name: str
    email: str
    unit_code: str
    unit_name: str
    parent_unit_code: str
    manager_number: str
    role_level: str
    start_date: date | None
    on_leave: bool | None


@dataclass
class HrFile:
    """The file read: its rows, the problems found, and how it was read."""

    rows: list[HrRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)
    # field name -> the header text in this file (only the fields the file has; "A + B" when joined)
    columns: dict[str, str] = field(default_factory=dict)
    mapping: ColumnMapping = field(default_factory=ColumnMapping)
    # field name -> the column indexes in this file (several when the field joins columns)
    indexes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # employee numbers on lines that could not be read (wrong number of fields): already reported
    unread: set[str] = field(default_factory=set)

    def has(self, name: str) -> bool:
        return name in self.columns

    def label(self, name: str) -> str:
        """How the file heads a field (falls back to Kerne's own header name)."""
        return self.columns.get(name) or self.mapping.label(name)


ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}


def delimiter_name(delimiter: str) -> str:
    names = {";": _("semicolon"), ",": _("comma"), "\t": _("tab")}
    return names.get(delimiter, f"'{delimiter}'")


# --- decoding and splitting --------------------------------------------------------------


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str, Problem | None]:
    """The text of the file and the encoding used ('utf-8', 'cp1252' or 'utf-16').

    Without an explicit encoding: a UTF-16 byte-order mark means UTF-16 (Excel's "Unicode
    text"); otherwise UTF-8 (BOM or not) and, when that fails, Windows-1252, which is what
    Danish Windows programs write.
    """
    if encoding:
        codec = "utf-8-sig" if encoding in ("utf-8", "utf8", "utf-8-sig") else encoding
        try:
            return data.decode(codec), encoding, None
        except (UnicodeDecodeError, LookupError) as exc:
            return "", encoding, _decode_problem(data, exc, encoding)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError as exc:
            return "", "utf-16", _decode_problem(data, exc, "utf-16")
    try:
        return data.decode("utf-8-sig"), "utf-8", None
    except UnicodeDecodeError:
        pass
    mixed = _mixed_encoding_problem(data)
    if mixed is not None:
        return "", "cp1252", mixed
    try:
        return data.decode("cp1252"), "cp1252", None
    except UnicodeDecodeError as exc:
        return "", "cp1252", _decode_problem(data, exc, None)


def _mixed_encoding_problem(data: bytes) -> Problem | None:
    """A file whose lines are partly UTF-8 and partly Windows-1252 (e.g. two exports pasted together).

    Read as one or the other, some names would come out garbled ("SÃ¸ren"), so it is refused.
    """
    utf8_line = legacy_line = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            legacy_line = legacy_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and legacy_line:
            return Problem(
                legacy_line,
                "",
                _(
                    "the file mixes two encodings: this line is Windows-1252, but line %(other)s is UTF-8, so "
                    "æ, ø and å would come out wrong. Export the whole file again in one encoding (CSV UTF-8)."
                )
                % {"other": utf8_line},
            )
    return None


def _decode_problem(data: bytes, exc: Exception, encoding: str | None) -> Problem:
    line = data[: exc.start].count(b"\n") + 1 if isinstance(exc, UnicodeDecodeError) else None
    if isinstance(exc, LookupError):
        return Problem(None, "", _("the encoding '%(encoding)s' is unknown.") % {"encoding": encoding})
    if encoding:
        message = _("the file is not %(encoding)s text. Choose another encoding, or let Kerne detect it.") % {
            "encoding": ENCODINGS.get(encoding, encoding)
        }
    else:
        message = _("the file is neither UTF-8 nor Windows-1252 text. Save it as CSV (UTF-8) and try again.")
    return Problem(line, "", message)


def sniff_delimiter(header_line: str) -> str:
    """The separator the header line uses most: semicolon (Danish Excel), comma or tab."""
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) of every record; quoted fields may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        yield start, record


# --- reading the file --------------------------------------------------------------------


def read_hr_file(
    data: bytes,
    *,
    mapping: ColumnMapping | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> HrFile:
    """Read the file into rows. Problems of form (encoding, columns, values) are collected, not raised."""
    result = HrFile(mapping=mapping or ColumnMapping())
    text, result.encoding, problem = decode(data, encoding)
    if problem is not None:
        result.problems.append(problem)
        return result
    if not text.strip():
        result.problems.append(Problem(None, "", _("the file is empty.")))
        return result
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    result.delimiter = delimiter or sniff_delimiter(first_line)
    try:
        records = list(_records(text, result.delimiter))
    except csv.Error as exc:
        result.problems.append(
            Problem(None, "", _("the file cannot be read as CSV (%(reason)s).") % {"reason": str(exc)})
        )
        return result
    # Leading blank lines before the headers are skipped (some exports start with one).
    while records and not any(value.strip() for value in records[0][1]):
        records.pop(0)
    if not records:
        result.problems.append(Problem(None, "", _("the file is empty.")))
        return result
    header_line, headers = records[0]
    result.headers = [h.strip().lstrip("\ufeff") for h in headers]
    if not _map_columns(result, header_line):
        return result
    body = [(line, values) for line, values in records[1:] if any(value.strip() for value in values)]
    if not body:
        result.problems.append(Problem(None, "", _("the file has no people: there is nothing below the header line.")))
        return result
    for line, values in body:
        row = _read_row(result, line, values)
        if row is not None:
            result.rows.append(row)
    return result


def _map_columns(result: HrFile, line: int) -> bool:
    """Find each field's column(s). False (with a problem) when required columns are missing."""
    mapping = result.mapping
    by_key: dict[str, int] = {}
    for index, header in enumerate(result.headers):
        by_key.setdefault(header_key(header), index)
    found: dict[str, tuple[int, ...]] = {}
    # One header per field: a field matched by two headers is ambiguous.
    for index, header in enumerate(result.headers):
        key = header_key(header)
        for name in FIELD_ORDER:
            if key and key in {header_key(h) for h in mapping.alternatives(name) if JOIN not in h or h == header}:
                if name in found:
                    result.problems.append(
                        Problem(
                            line,
                            header,
                            _("the column for '%(field)s' appears twice (also as '%(other)s'). Remove one of them.")
                            % {"field": mapping.label(name), "other": result.headers[found[name][0]]},
                        )
                    )
                else:
                    found[name] = (index,)
    # A field joined from several columns, when no single column holds it.
    for name in FIELD_ORDER:
        if name in found:
            continue
        for alternative in mapping.alternatives(name):
            parts = split_columns(alternative)
            if len(parts) > 1 and all(header_key(p) in by_key for p in parts):
                found[name] = tuple(by_key[header_key(p)] for p in parts)
                break
    result.columns = {name: " + ".join(result.headers[i] for i in indexes) for name, indexes in found.items()}
    result.indexes = found
    _explicit_problems(result, line, by_key)
    missing = [
        mapping.label(name)
        for name in FIELD_ORDER
        if name in REQUIRED_COLUMNS and name not in found and name not in mapping.explicit
    ]
    if missing:
        shown = ", ".join(f"'{h}'" for h in result.headers if h) or _("(none)")
        result.problems.append(
            Problem(
                line,
                "",
                _(
                    "the file does not have the required columns %(missing)s. The headers found are: %(found)s. "
                    "Correct the header line, or state which column holds what (the column mapping)."
                )
                % {"missing": ", ".join(f"'{m}'" for m in missing), "found": shown},
            )
        )
    if (missing or any(p.line == line for p in result.problems)) and len(result.headers) == 1 and result.delimiter:
        result.problems.append(
            Problem(
                line,
                "",
                _("only one column was found with %(delimiter)s as separator. Is the file separated by another sign?")
                % {"delimiter": delimiter_name(result.delimiter)},
            )
        )
    return not result.problems


def _explicit_problems(result: HrFile, line: int, by_key: Mapping[str, int]) -> None:
    """The columns HR chose must be in the file; a required field must have a column."""
    mapping = result.mapping
    for name in FIELD_ORDER:
        if name not in mapping.explicit:
            continue
        chosen = mapping.alternatives(name)
        if not chosen:
            if name in REQUIRED_COLUMNS:
                result.problems.append(
                    Problem(
                        line,
                        "",
                        _("no column is chosen for '%(field)s', which Kerne needs. Choose the column that holds it.")
                        % {"field": ColumnMapping().label(name)},
                    )
                )
            continue
        if name in result.indexes:
            continue
        absent = [part for part in split_columns(chosen[0]) if header_key(part) not in by_key] or [chosen[0]]
        result.problems.append(
            Problem(
                line,
                "",
                _("the column %(columns)s chosen for '%(field)s' is not in the file. The headers found are: %(found)s.")
                % {
                    "columns": ", ".join(f"'{a}'" for a in absent),
                    "field": ColumnMapping().label(name),
                    "found": ", ".join(f"'{h}'" for h in result.headers if h) or _("(none)"),
                },
            )
        )


_WHITESPACE = re.compile(r"\s+")
_DATE_FORMATS = (
    re.compile(r"^(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)
_YES = {"ja", "j", "yes", "y", "1", "x", "sand", "true"}
_NO = {"nej", "n", "no", "0", "falsk", "false", ""}
_email_validator = EmailValidator()


def _read_row(result: HrFile, line: int, values: list[str]) -> HrRow | None:
    indexes = result.indexes
    width = len(result.headers)
    if len(values) != width and not (len(values) > width and not any(v.strip() for v in values[width:])):
        result.problems.append(_ragged_problem(result, line, values))
        number = [values[i] for i in indexes.get("employee_number", ()) if i < len(values)]
        if number and number[0].strip():
            result.unread.add(number[0].strip())  # its people's "manager not in the file" would repeat this
        return None

    def value(name: str) -> str:
        parts = (values[i] for i in indexes.get(name, ()) if i < len(values))
        return _WHITESPACE.sub(" ", " ".join(parts)).strip()

    problems: list[Problem] = []
    for name in REQUIRED_VALUES:
        if not value(name):
            problems.append(Problem(line, result.label(name), _("the field is empty; it must have a value.")))
    email = value("email").lower()
    if email:
        try:
            _email_validator(email)
        except ValidationError:
            problems.append(
                Problem(
                    line,
                    result.label("email"),
                    _("'%(value)s' is not a valid e-mail address (expected e.g. anne.hansen@kommune.dk).")
                    % {"value": value("email")},
                )
            )
    start_date = None
    if value("start_date"):
        start_date = parse_date(value("start_date"))
        if start_date is None:
            problems.append(
                Problem(
                    line,
                    result.label("start_date"),
                    _("'%(value)s' is not a date. Write dates as dd-mm-yyyy, e.g. 01-08-2021.")
                    % {"value": value("start_date")},
                )
            )
    on_leave: bool | None = None
    if result.has("on_leave"):
        leave = value("on_leave").lower()
        if leave in _YES:
            on_leave = True
        elif leave in _NO:
            on_leave = False
        else:
            problems.append(
                Problem(
                    line,
                    result.label("on_leave"),
                    _("'%(value)s' is not understood; write 'ja' or 'nej' (empty means 'nej').")
                    % {"value": value("on_leave")},
                )
            )
    result.problems.extend(problems)
    return HrRow(
        line=line,
        employee_number=value("employee_number"),
        name=value("name"),
        email=email,
        unit_code=value("unit_code"),
        unit_name=value("unit_name"),
        parent_unit_code=value("parent_unit_code"),
        manager_number=value("manager_number"),
        role_level=value("role_level"),
        start_date=start_date,
        on_leave=on_leave,
    )


def _ragged_problem(result: HrFile, line: int, values: list[str]) -> Problem:
    """A line with too many or too few fields, with the likely cause when it can be seen."""
    width = len(result.headers)
    text = result.delimiter.join(values)
    for other in (";", ",", "\t"):
        if other != result.delimiter and len(text.split(other)) == width:
            return Problem(
                line,
                "",
                _(
                    "the line has %(found)s fields, but the header line has %(expected)s: the line is separated by "
                    "%(other)s, the header line by %(delimiter)s. Export the file again with one separator."
                )
                % {
                    "found": len(values),
                    "expected": width,
                    "other": delimiter_name(other),
                    "delimiter": delimiter_name(result.delimiter),
                },
            )
    return Problem(
        line,
        "",
        _(
            "the line has %(found)s fields, but the header line has %(expected)s. Check whether a value "
            "contains the separator '%(delimiter)s' without quotes."
        )
        % {"found": len(values), "expected": width, "delimiter": result.delimiter},
    )


def parse_date(text: str) -> date | None:
    """dd-mm-yyyy, dd.mm.yyyy, dd/mm/yyyy or yyyy-mm-dd; None when it is not a real date."""
    for pattern in _DATE_FORMATS:
        match = pattern.match(text.strip())
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


# --- the column mapping step (the browser) ---------------------------------------------------


@dataclass
class FileHead:
    """The top of a file, for choosing columns: how it was read, its headers and its first lines."""

    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)
    sample: list[list[str]] = field(default_factory=list)
    problem: Problem | None = None


def read_head(data: bytes, *, encoding: str | None = None, delimiter: str | None = None, lines: int = 5) -> FileHead:
    """The headers and the first `lines` records, read the way `read_hr_file` reads the whole file."""
    head = FileHead()
    text, head.encoding, head.problem = decode(data, encoding)
    if head.problem is not None:
        return head
    if not text.strip():
        head.problem = Problem(None, "", _("the file is empty."))
        return head
    first_line = text.lstrip("\ufeff").lstrip("\r\n").split("\n", 1)[0]
    head.delimiter = delimiter or sniff_delimiter(first_line)
    records: list[list[str]] = []
    try:
        for _line, values in _records(text, head.delimiter):
            if not any(v.strip() for v in values):
                continue
            records.append(values)
            if len(records) > lines:
                break
    except csv.Error as exc:
        head.problem = Problem(None, "", _("the file cannot be read as CSV (%(reason)s).") % {"reason": str(exc)})
        return head
    if records:
        head.headers = [h.strip().lstrip("\ufeff") for h in records[0]]
        head.sample = records[1:]
    return head


def read_sample(head: FileHead, mapping: ColumnMapping) -> HrFile:
    """The first lines of a file read with a choice of columns, as the import would read them."""
    result = HrFile(mapping=mapping, encoding=head.encoding, delimiter=head.delimiter, headers=list(head.headers))
    _map_columns(result, 1)  # a field without a column stays empty here; the import itself says so
    if result.indexes:
        for number, values in enumerate(head.sample, start=2):
            row = _read_row(result, number, values)
            if row is not None:
                result.rows.append(row)
    return result


def guess_columns(headers: Sequence[str], remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """A choice of column(s) for every field (field -> "Header", "A+B" or "" for none), as HR would make it.

    What HR chose last time comes first where those columns are in this file; then the header names
    Kerne knows (ColumnMapping); then, for what is still open, a header that is spelt nearly like one.
    """
    by_key = {header_key(h): h for h in headers if h.strip()}
    choice: dict[str, str] = {}
    for name, chosen in (remembered or {}).items():
        parts = split_columns(chosen)
        if name in FIELD_ORDER and parts and all(header_key(p) in by_key for p in parts):
            choice[name] = JOIN.join(by_key[header_key(p)] for p in parts)
    defaults = ColumnMapping()
    for name in FIELD_ORDER:
        if name in choice:
            continue
        for alternative in defaults.alternatives(name):
            parts = split_columns(alternative) if JOIN in alternative else [alternative]
            if all(header_key(p) in by_key for p in parts):
                choice[name] = JOIN.join(by_key[header_key(p)] for p in parts)
                break
    used = {header_key(p) for chosen in choice.values() for p in split_columns(chosen)}
    for name in FIELD_ORDER:
        if name in choice:
            continue
        known = [header_key(a) for a in defaults.alternatives(name) if JOIN not in a]
        candidates = [key for key in by_key if key not in used]
        close = [c for c in candidates if difflib.get_close_matches(c, known, n=1, cutoff=0.85)]
        choice[name] = by_key[close[0]] if close else ""
        if close:
            used.add(close[0])
    return choice


def choice_problems(choice: Mapping[str, str], headers: Sequence[str]) -> list[str]:
    """What is wrong with a choice of columns, in words (empty when it can be used)."""
    known = {header_key(h) for h in headers}
    labels = ColumnMapping()
    problems = []
    for name in FIELD_ORDER:
        parts = split_columns(choice.get(name, ""))
        label = labels.label(name)
        if not parts and name in REQUIRED_COLUMNS:
            problems.append(_("Choose the column that holds '%(field)s'; Kerne needs it.") % {"field": label})
        for part in parts:
            if header_key(part) not in known:
                problems.append(
                    _("'%(field)s': the file has no column '%(column)s'.") % {"field": label, "column": part}
                )
        if len({header_key(p) for p in parts}) < len(parts):
            problems.append(_("'%(field)s': the same column is chosen more than once.") % {"field": label})
    return problems


# --- rules across rows -------------------------------------------------------------------


@dataclass(frozen=True)
class FileUnit:
    """A unit as the file defines it (on the first line that names its code)."""

    code: str
    name: str
    parent_code: str
    line: int


def file_units(rows: Iterable[HrRow]) -> dict[str, FileUnit]:
    units: dict[str, FileUnit] = {}
    for row in rows:
        if row.unit_code and row.unit_code not in units:
            units[row.unit_code] = FileUnit(row.unit_code, row.unit_name, row.parent_unit_code, row.line)
    return units


def check_rows(hr_file: HrFile, *, role_levels: Mapping[str, str]) -> list[Problem]:
    """Every problem between rows, and role levels not among `role_levels` (folded alias -> label).

    Returns the file's own problems plus these, sorted by line.
    """
    problems = list(hr_file.problems)
    if hr_file.rows:
        problems += _duplicate_problems(hr_file)
        problems += _unit_problems(hr_file)
        problems += _role_level_problems(hr_file, role_levels)
        problems += _manager_problems(hr_file)
    return sorted(problems, key=lambda p: p.line or 0)


def _duplicate_problems(hr_file: HrFile) -> Iterator[Problem]:
    by_number: dict[str, HrRow] = {}
    by_email: dict[str, HrRow] = {}
    for row in hr_file.rows:
        if row.employee_number:
            first = by_number.setdefault(row.employee_number, row)
            if first is not row:
                yield Problem(
                    row.line,
                    hr_file.label("employee_number"),
                    _(
                        "the employee number '%(number)s' is also on line %(line)s (%(name)s). "
                        "Each person may appear only once."
                    )
                    % {"number": row.employee_number, "line": first.line, "name": first.name},
                )
        if row.email:
            first = by_email.setdefault(row.email, row)
            if first is not row:
                yield Problem(
                    row.line,
                    hr_file.label("email"),
                    _(
                        "the e-mail address '%(email)s' is also used by %(name)s on line %(line)s. "
                        "Two people cannot share an address (it is how people are recognised at login)."
                    )
                    % {"email": row.email, "name": first.name, "line": first.line},
                )


def _unit_problems(hr_file: HrFile) -> Iterator[Problem]:
    units = file_units(hr_file.rows)
    for row in hr_file.rows:
        unit = units.get(row.unit_code)
        if unit is None or unit.line == row.line:
            continue
        if row.unit_name and row.unit_name != unit.name:
            yield Problem(
                row.line,
                hr_file.label("unit_name"),
                _("the unit code '%(code)s' is called '%(first)s' on line %(line)s, but '%(name)s' here.")
                % {"code": row.unit_code, "first": unit.name, "line": unit.line, "name": row.unit_name},
            )
        if row.parent_unit_code != unit.parent_code:
            yield Problem(
                row.line,
                hr_file.label("parent_unit_code"),
                _(
                    "the unit code '%(code)s' has the parent unit '%(first)s' on line %(line)s, but '%(parent)s' "
                    "here. A unit has one parent."
                )
                % {
                    "code": row.unit_code,
                    "first": unit.parent_code or _("(none)"),
                    "line": unit.line,
                    "parent": row.parent_unit_code or _("(none)"),
                },
            )
    for unit in units.values():
        if unit.parent_code and unit.parent_code not in units:
            yield Problem(
                unit.line,
                hr_file.label("parent_unit_code"),
                _(
                    "the parent unit '%(parent)s' is not in the file. Every parent unit must be the unit "
                    "(Enhedskode) of at least one person, e.g. its leader."
                )
                % {"parent": unit.parent_code},
            )
    yield from _unit_cycles(hr_file, units)


def _unit_cycles(hr_file: HrFile, units: dict[str, FileUnit]) -> Iterator[Problem]:
    parents = {code: u.parent_code for code, u in units.items() if u.parent_code in units}
    for cycle in find_cycles(parents):
        first = min((units[code] for code in cycle), key=lambda u: u.line)
        start = cycle.index(first.code)
        ordered = cycle[start:] + cycle[:start] + [first.code]
        yield Problem(
            first.line,
            hr_file.label("parent_unit_code"),
            _("the units are each other's parents in a ring: %(ring)s. Correct the parent unit of one of them.")
            % {"ring": _ring(f"{units[c].name} ({c})" for c in ordered)},
        )


def _role_level_problems(hr_file: HrFile, role_levels: Mapping[str, str]) -> Iterator[Problem]:
    names = ", ".join(dict.fromkeys(role_levels.values()))
    for row in hr_file.rows:
        if row.role_level and fold(row.role_level) not in role_levels:
            yield Problem(
                row.line,
                hr_file.label("role_level"),
                _("the role level '%(value)s' is unknown. Use one of: %(names)s.")
                % {"value": row.role_level, "names": names},
            )


def _manager_problems(hr_file: HrFile) -> Iterator[Problem]:
    field = hr_file.label("manager_number")
    people: dict[str, HrRow] = {}
    for row in hr_file.rows:
        if row.employee_number:
            people.setdefault(row.employee_number, row)
    top: HrRow | None = None
    managers: dict[str, str] = {}
    for row in hr_file.rows:
        if not row.employee_number or people[row.employee_number] is not row:
            continue
        if not row.manager_number:
            if top is None:
                top = row
            else:
                yield Problem(
                    row.line,
                    field,
                    _(
                        "the field is empty, but only one person may be without a manager (the top leader, "
                        "e.g. the chief executive); %(name)s on line %(line)s already is. Fill in the manager's "
                        "employee number."
                    )
                    % {"name": top.name, "line": top.line},
                )
        elif row.manager_number in hr_file.unread:
            continue  # the manager's own line could not be read; that is reported there
        elif row.manager_number not in people:
            yield Problem(
                row.line,
                field,
                _(
                    "the manager '%(number)s' is not in the file. Every manager must have a line of their own "
                    "in the file; check the number."
                )
                % {"number": row.manager_number},
            )
        else:
            managers[row.employee_number] = row.manager_number
    for cycle in find_cycles(managers):
        first = min((people[n] for n in cycle), key=lambda r: r.line)
        start = cycle.index(first.employee_number)
        ordered = cycle[start:] + cycle[:start] + [first.employee_number]
        if len(cycle) == 1:
            message = _("%(name)s is their own manager. Fill in the manager's employee number.") % {"name": first.name}
        else:
            message = _("the chain of managers goes round in a ring: %(ring)s. Correct the manager of one of them.") % {
                "ring": _ring(f"{people[n].name} ({n})" for n in ordered)
            }
        yield Problem(first.line, field, message)


def find_cycles(successor: Mapping[str, str]) -> list[list[str]]:
    """The cycles of a graph where each node has at most one successor (manager, parent unit).

    Each cycle is listed once, in the order the successor pointers walk it.
    """
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    cycles: list[list[str]] = []
    for start in successor:
        if state.get(start):
            continue
        walk: list[str] = []
        node: str | None = start
        while node is not None and not state.get(node):
            state[node] = 1
            walk.append(node)
            node = successor.get(node)
        if node is not None and state.get(node) == 1:
            cycles.append(walk[walk.index(node) :])
        for visited in walk:
            state[visited] = 2
    return cycles


def _ring(members: Iterable[str], limit: int = 12) -> str:
    """'A → B → A'; a long ring is named by its first members and where it closes."""
    names = list(members)
    if len(names) > limit:
        names = [*names[: limit - 1], "…", names[-1]]
    return " → ".join(names)
