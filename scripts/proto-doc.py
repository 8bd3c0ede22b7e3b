#!/usr/bin/env python3
"""Generates the message reference of podguard's bus contract from .proto files.

Parses proto3 files (messages, nested messages, enums, fields with number/type/label, maps,
oneofs, and the `//` comment block directly above each declaration) and writes markdown tables.
Standard library only. scripts/gen-proto.sh runs it; run it by hand as

    scripts/proto-doc.py --doc docs/bus-contract.md proto/podguard/v1/*.proto   # rewrite the doc
    scripts/proto-doc.py --check --doc docs/bus-contract.md proto/podguard/v1/*.proto  # exit 1 if stale
    scripts/proto-doc.py proto/podguard/v1/*.proto                              # print to stdout

The generated text replaces everything between the lines `<!-- BEGIN GENERATED -->` and
`<!-- END GENERATED -->` of the document; the rest of the document is left as it is.

It also enforces the contract's documentation rule: every message, enum, field and enum value must
have a comment. Missing comments are listed and the exit status is 1 (nothing is written).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

BEGIN_MARKER = "<!-- BEGIN GENERATED -->"
END_MARKER = "<!-- END GENERATED -->"

SCALARS = {
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
    "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
}
WELL_KNOWN = {
    "google.protobuf.Timestamp": "https://protobuf.dev/reference/protobuf/google.protobuf/#timestamp",
    "google.protobuf.Duration": "https://protobuf.dev/reference/protobuf/google.protobuf/#duration",
    "google.protobuf.Empty": "https://protobuf.dev/reference/protobuf/google.protobuf/#empty",
    "google.protobuf.Any": "https://protobuf.dev/reference/protobuf/google.protobuf/#any",
    "google.protobuf.Struct": "https://protobuf.dev/reference/protobuf/google.protobuf/#struct",
}


@dataclass
class Field:
    name: str
    number: int
    type: str            # as written; for maps "map<K, V>"
    label: str           # "", "optional", "repeated", "map" or "oneof <name>"
    comment: str
    key_type: str = ""   # maps only
    value_type: str = "" # maps only


@dataclass
class EnumValue:
    name: str
    number: int
    comment: str


@dataclass
class Enum:
    full_name: str       # package-qualified, e.g. podguard.v1.ContainerState.Status
    local_name: str      # inside the package, e.g. ContainerState.Status
    comment: str
    values: list[EnumValue] = field(default_factory=list)


@dataclass
class Message:
    full_name: str
    local_name: str
    comment: str
    fields: list[Field] = field(default_factory=list)
    messages: list["Message"] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)


@dataclass
class ProtoFile:
    path: str            # as given on the command line
    import_path: str     # e.g. podguard/v1/common.proto
    package: str
    comment: str
    imports: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)


class ParseError(Exception):
    pass


FIELD_RE = re.compile(
    r"^(?:(optional|repeated)\s+)?([A-Za-z_][\w.]*)\s+([A-Za-z_]\w*)\s*=\s*(\d+)\s*(?:\[[^\]]*\])?\s*;$")
MAP_RE = re.compile(
    r"^map\s*<\s*(\w+)\s*,\s*([A-Za-z_][\w.]*)\s*>\s+([A-Za-z_]\w*)\s*=\s*(\d+)\s*(?:\[[^\]]*\])?\s*;$")
ENUM_VALUE_RE = re.compile(r"^([A-Za-z_]\w*)\s*=\s*(-?\d+)\s*(?:\[[^\]]*\])?\s*;$")
OPEN_RE = re.compile(r"^(message|enum|oneof)\s+([A-Za-z_]\w*)\s*\{$")


def split_code_comment(line: str) -> tuple[str, str]:
    """Splits a line into code and a trailing // comment (ignoring // inside string literals)."""
    in_string = None
    i = 0
    while i < len(line):
        c = line[i]
        if in_string:
            if c == "\\":
                i += 2
                continue
            if c == in_string:
                in_string = None
        elif c in "\"'":
            in_string = c
        elif line.startswith("//", i):
            return line[:i].strip(), line[i + 2:].strip()
        i += 1
    return line.strip(), ""


def import_path_of(path: str) -> str:
    norm = path.replace(os.sep, "/")
    marker = "/proto/"
    if marker in "/" + norm:
        return ("/" + norm).split(marker, 1)[1]
    return norm


def parse_file(path: str) -> ProtoFile:
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()

    pf = ProtoFile(path=path, import_path=import_path_of(path), package="", comment="")
    stack: list[object] = []          # Message | Enum | ("oneof", name, Message)
    pending: list[str] = []           # the comment block being collected
    pending_blank = False             # a blank line ended the last comment block
    seen_syntax = False

    def take_comment(trailing: str) -> str:
        nonlocal pending
        text = " ".join(pending) if pending else trailing
        pending = []
        return text.strip()

    def scope_name() -> str:
        names = [s.local_name for s in stack if isinstance(s, (Message, Enum))]
        return names[-1] if names else ""

    for lineno, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not stripped:
            if pending:
                pending_blank = True
            continue
        if stripped.startswith("//"):
            text = stripped[2:]
            if text.startswith(" "):
                text = text[1:]
            if pending_blank:
                pending = []
                pending_blank = False
            if not seen_syntax:
                pending.append(text)   # file comment keeps its line structure
            else:
                pending.append(text.strip())
            continue
        pending_blank = False
        code, trailing = split_code_comment(stripped)
        where = f"{path}:{lineno}"

        if code.startswith("syntax"):
            if '"proto3"' not in code:
                raise ParseError(f"{where}: only proto3 is supported")
            pf.comment = "\n".join(pending).strip()
            pending = []
            seen_syntax = True
            continue
        if code.startswith("package "):
            pf.package = code[len("package "):].rstrip(";").strip()
            pending = []
            continue
        if code.startswith("import "):
            m = re.match(r'^import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;$', code)
            if not m:
                raise ParseError(f"{where}: cannot parse import: {code}")
            pf.imports.append(m.group(1))
            pending = []
            continue
        if code.startswith("option ") or code.startswith("reserved ") or code.startswith("extensions "):
            pending = []
            continue
        if code.startswith("service ") or code.startswith("extend "):
            raise ParseError(f"{where}: services and extensions are not supported by proto-doc.py")

        m = OPEN_RE.match(code)
        if m:
            kind, name = m.groups()
            comment = take_comment(trailing)
            parent = scope_name()
            local = f"{parent}.{name}" if parent else name
            full = f"{pf.package}.{local}" if pf.package else local
            if kind == "message":
                msg = Message(full_name=full, local_name=local, comment=comment)
                owner = next((s for s in reversed(stack) if isinstance(s, Message)), None)
                (owner.messages if owner else pf.messages).append(msg)
                stack.append(msg)
            elif kind == "enum":
                en = Enum(full_name=full, local_name=local, comment=comment)
                owner = next((s for s in reversed(stack) if isinstance(s, Message)), None)
                (owner.enums if owner else pf.enums).append(en)
                stack.append(en)
            else:
                owner = stack[-1] if stack else None
                if not isinstance(owner, Message):
                    raise ParseError(f"{where}: oneof outside a message")
                stack.append(("oneof", name, owner))
            continue
        if code == "}" or code == "};":
            if not stack:
                raise ParseError(f"{where}: unbalanced '}}'")
            stack.pop()
            pending = []
            continue

        top = stack[-1] if stack else None
        if isinstance(top, Enum):
            m = ENUM_VALUE_RE.match(code)
            if not m:
                raise ParseError(f"{where}: cannot parse enum value: {code}")
            top.values.append(EnumValue(m.group(1), int(m.group(2)), take_comment(trailing)))
            continue
        if isinstance(top, Message) or isinstance(top, tuple):
            msg = top if isinstance(top, Message) else top[2]
            oneof = "" if isinstance(top, Message) else f"oneof {top[1]}"
            m = MAP_RE.match(code)
            if m:
                k, v, name, num = m.groups()
                msg.fields.append(Field(name, int(num), f"map<{k}, {v}>", "map",
                                        take_comment(trailing), key_type=k, value_type=v))
                continue
            m = FIELD_RE.match(code)
            if m:
                label, typ, name, num = m.groups()
                if oneof and label:
                    raise ParseError(f"{where}: labels are not allowed in a oneof")
                msg.fields.append(Field(name, int(num), typ, oneof or (label or ""),
                                        take_comment(trailing)))
                continue
            raise ParseError(f"{where}: cannot parse field: {code}")
        raise ParseError(f"{where}: unexpected line: {code}")

    if stack:
        raise ParseError(f"{path}: unexpected end of file (unclosed block)")
    if not seen_syntax:
        raise ParseError(f"{path}: no syntax statement")
    return pf


# ----------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------

def all_messages(msgs: list[Message]):
    for m in msgs:
        yield m
        yield from all_messages(m.messages)


def all_enums(pf: ProtoFile):
    yield from pf.enums
    for m in all_messages(pf.messages):
        yield from m.enums


def missing_comments(pf: ProtoFile) -> list[str]:
    missing = []
    for m in all_messages(pf.messages):
        if not m.comment:
            missing.append(f"{pf.path}: message {m.local_name}")
        for f in m.fields:
            if not f.comment:
                missing.append(f"{pf.path}: field {m.local_name}.{f.name}")
    for e in all_enums(pf):
        if not e.comment:
            missing.append(f"{pf.path}: enum {e.local_name}")
        for v in e.values:
            if not v.comment:
                missing.append(f"{pf.path}: enum value {e.local_name}.{v.name}")
    return missing


def duplicate_numbers(pf: ProtoFile) -> list[str]:
    problems = []
    for m in all_messages(pf.messages):
        seen: dict[int, str] = {}
        for f in m.fields:
            if f.number in seen:
                problems.append(f"{pf.path}: {m.local_name}: field number {f.number} used by "
                                f"{seen[f.number]} and {f.name}")
            seen[f.number] = f.name
    for e in all_enums(pf):
        if not e.values or e.values[0].number != 0:
            problems.append(f"{pf.path}: enum {e.local_name}: the first value must be 0")
    return problems


# ----------------------------------------------------------------------------------------------
# Markdown
# ----------------------------------------------------------------------------------------------

def prose(text: str) -> str:
    """Comment text as markdown: '<' and '&' escaped so "<node>" is not taken for an HTML tag."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def cell(text: str) -> str:
    return prose(text).replace("|", "\\|").replace("\n", " ").strip()


# Reading order of the reference (the flow of a remediation); other files follow alphabetically.
READING_ORDER = ["common", "state", "connectivity", "adapter", "fence", "decision", "alert", "cleanup"]


def order_files(files: list[ProtoFile]) -> list[ProtoFile]:
    """READING_ORDER, then alphabetical; a file always after the files it imports. The order does
    not depend on the order of the command line."""
    def key(f: ProtoFile):
        base = os.path.basename(f.import_path).removesuffix(".proto")
        return (READING_ORDER.index(base) if base in READING_ORDER else len(READING_ORDER), f.import_path)
    files = sorted(files, key=key)
    by_import = {f.import_path: f for f in files}
    ordered: list[ProtoFile] = []
    visiting: set[str] = set()

    def visit(f: ProtoFile):
        if f in ordered or f.import_path in visiting:
            return
        visiting.add(f.import_path)
        for imp in f.imports:
            if imp in by_import:
                visit(by_import[imp])
        visiting.discard(f.import_path)
        ordered.append(f)

    for f in files:
        visit(f)
    return ordered


class Renderer:
    def __init__(self, files: list[ProtoFile]):
        self.files = files
        self.known: set[str] = set()
        for pf in files:
            for m in all_messages(pf.messages):
                self.known.add(m.full_name)
            for e in all_enums(pf):
                self.known.add(e.full_name)

    def resolve(self, typ: str, scope_full: str, package: str) -> str | None:
        """Full name of a referenced message/enum type, following protobuf's scoping rules."""
        if typ in SCALARS:
            return None
        if typ.startswith("."):
            return typ[1:]
        parts = scope_full.split(".")
        while parts:
            candidate = ".".join(parts + [typ])
            if candidate in self.known:
                return candidate
            parts.pop()
        if typ in self.known or typ in WELL_KNOWN:
            return typ
        if package and f"{package}.{typ}" in self.known:
            return f"{package}.{typ}"
        return typ

    def type_link(self, typ: str, scope_full: str, package: str) -> str:
        if typ in SCALARS:
            return f"`{typ}`"
        full = self.resolve(typ, scope_full, package)
        if full in self.known:
            shown = full[len(package) + 1:] if package and full.startswith(package + ".") else full
            return f"[`{shown}`](#{full})"
        if full in WELL_KNOWN:
            return f"[`{full}`]({WELL_KNOWN[full]})"
        return f"`{typ}`"

    def field_type(self, f: Field, msg: Message, package: str) -> str:
        if f.label == "map":
            return (f"map<{self.type_link(f.key_type, msg.full_name, package)}, "
                    f"{self.type_link(f.value_type, msg.full_name, package)}>")
        t = self.type_link(f.type, msg.full_name, package)
        if f.label in ("repeated", "optional"):
            return f"{f.label} {t}"
        if f.label.startswith("oneof "):
            return f"{t} (oneof `{f.label[6:]}`)"
        return t

    def render(self) -> str:
        out: list[str] = []
        out.append("<!-- Generated by scripts/proto-doc.py from proto/; do not edit by hand: "
                   "run `make proto`. -->")
        out.append("")
        out.append("## Message reference")
        out.append("")
        out.append("Every message and enum of the contract, file by file; field numbers are the "
                   "wire contract. Generated from the comments in the .proto files.")
        out.append("")
        out.append("| file | messages | enums |")
        out.append("|---|---|---|")
        for pf in self.files:
            msgs = ", ".join(f"[`{m.local_name}`](#{m.full_name})" for m in all_messages(pf.messages))
            enums = ", ".join(f"[`{e.local_name}`](#{e.full_name})" for e in all_enums(pf))
            out.append(f"| [`{pf.import_path}`](#file-{anchor(pf.import_path)}) | {msgs or '–'} | "
                       f"{enums or '–'} |")
        out.append("")
        for pf in self.files:
            out.extend(self.render_file(pf))
        return "\n".join(out).rstrip() + "\n"

    def render_file(self, pf: ProtoFile) -> list[str]:
        out = [f'<a name="file-{anchor(pf.import_path)}"></a>', "",
               f"### `{pf.import_path}`", ""]
        if pf.comment:
            out.extend(["```text", pf.comment, "```", ""])
        if pf.imports:
            out.append("Imports: " + ", ".join(f"`{i}`" for i in pf.imports))
            out.append("")
        for e in pf.enums:
            out.extend(self.render_enum(e))
        for m in pf.messages:
            out.extend(self.render_message(m, pf.package))
        return out

    def render_message(self, m: Message, package: str) -> list[str]:
        out = [f'<a name="{m.full_name}"></a>', "", f"#### message `{m.local_name}`", "",
               prose(m.comment), ""]
        if m.fields:
            out.append("| # | field | type | description |")
            out.append("|---:|---|---|---|")
            for f in m.fields:
                out.append(f"| {f.number} | `{f.name}` | {self.field_type(f, m, package)} | "
                           f"{cell(f.comment)} |")
        else:
            out.append("_No fields._")
        out.append("")
        for e in m.enums:
            out.extend(self.render_enum(e))
        for nested in m.messages:
            out.extend(self.render_message(nested, package))
        return out

    def render_enum(self, e: Enum) -> list[str]:
        out = [f'<a name="{e.full_name}"></a>', "", f"#### enum `{e.local_name}`", "", prose(e.comment), "",
               "| value | # | description |", "|---|---:|---|"]
        for v in e.values:
            out.append(f"| `{v.name}` | {v.number} | {cell(v.comment)} |")
        out.append("")
        return out


def anchor(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def splice(document: str, generated: str, doc_path: str) -> str:
    begin = document.find(BEGIN_MARKER)
    end = document.find(END_MARKER)
    if begin < 0 or end < 0 or end < begin:
        raise ParseError(f"{doc_path}: needs the lines {BEGIN_MARKER} and {END_MARKER} (in that order)")
    head = document[:begin + len(BEGIN_MARKER)]
    tail = document[end:]
    return head + "\n" + generated + tail


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("protos", nargs="+", help=".proto files")
    ap.add_argument("--doc", help="markdown file whose generated section is replaced")
    ap.add_argument("--check", action="store_true",
                    help="with --doc: do not write, exit 1 if the document is not up to date")
    args = ap.parse_args()

    try:
        files = [parse_file(p) for p in args.protos]
    except (OSError, ParseError) as err:
        print(f"proto-doc: {err}", file=sys.stderr)
        return 1

    problems = []
    for pf in files:
        problems += missing_comments(pf)
        problems += duplicate_numbers(pf)
    if problems:
        print("proto-doc: the contract rule is that every message, enum, field and enum value is "
              "commented, field numbers are unique and enums start at 0:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1

    generated = Renderer(order_files(files)).render()
    if not args.doc:
        sys.stdout.write(generated)
        return 0
    try:
        with open(args.doc, encoding="utf-8") as f:
            document = f.read()
        updated = splice(document, generated, args.doc)
    except (OSError, ParseError) as err:
        print(f"proto-doc: {err}", file=sys.stderr)
        return 1
    if args.check:
        if updated != document:
            print(f"proto-doc: {args.doc} is stale: run make proto", file=sys.stderr)
            return 1
        return 0
    if updated != document:
        tmp = args.doc + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(updated)
        os.replace(tmp, args.doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
