"""The parts of an Office Open XML package (.xlsx, .docx), found as the package says: through its relationships.

A package names its main part (a workbook's workbook.xml, a Word file's document.xml) in its own
relationships, and each part names the parts it uses (sheets, headers, footers) by an id in the
part's relationships (the Open Packaging Conventions, ECMA-376 Part 2). Generators other than
Office name and place parts as they like, so nothing here assumes a name.
"""

from __future__ import annotations

import posixpath
import zipfile
from xml.etree import ElementTree


def main_part(archive: zipfile.ZipFile) -> str | None:
    """The zip member the package's relationships name as its main document; None where they name none."""
    return next((member for member, kind in _relationships(archive, "", "Type") if kind.endswith("/officeDocument")), None)


def related_parts(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """{relationship id: zip member} of the parts PART relates to; none where it has no relationships."""
    return {identifier: member for member, identifier in _relationships(archive, part, "Id")}


def local_name(name: str) -> str:
    """An element's or attribute's name without its namespace: '{http://...}sheet' is 'sheet'."""
    return name.rsplit("}", 1)[-1]


def _relationships(archive: zipfile.ZipFile, part: str, key: str) -> list[tuple[str, str]]:
    """(zip member, KEY's value) of each of PART's relationships to a part of the package ("" for the package's own):
    targets resolved against PART's folder, or from the root where they start with '/'."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.NameToInfo:
        return []
    found = []
    for element in ElementTree.fromstring(archive.read(rels)).iter():
        if local_name(element.tag) == "Relationship" and element.get("Target") and element.get("TargetMode") != "External":
            target = element.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found.append((member, element.get(key, "")))
    return found
