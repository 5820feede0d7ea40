"""Stable codes for instansi names as printed by KemenPANRB ("Kota Ternate" -> "kota-ternate")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from spbe.core.errors import SpbeError

KINDS = ("nasional", "pusat", "provinsi", "kabupaten", "kota")
_PREFIXES = (("provinsi ", "prov-"), ("kab. ", "kab-"), ("kabupaten ", "kab-"), ("kota ", "kota-"))


def instansi_code(name: str) -> str:
    """A lowercase ASCII slug: 'Provinsi Maluku Utara' -> 'prov-maluku-utara'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().strip().lower()
    prefix = ""
    for printed, short in _PREFIXES:
        if text.startswith(printed):
            prefix, text = short, text[len(printed) :]
            break
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if not slug:
        raise SpbeError(f"Nama instansi kosong atau tidak valid: {name!r}")
    return prefix + slug


def kind_of(name: str) -> str:
    """The kind implied by a printed name (pusat when no regional prefix)."""
    lowered = name.strip().lower()
    if lowered == "nasional":
        return "nasional"
    if lowered.startswith("provinsi "):
        return "provinsi"
    if lowered.startswith(("kab. ", "kabupaten ")):
        return "kabupaten"
    if lowered.startswith("kota "):
        return "kota"
    return "pusat"


def spelling_key(text: object) -> str:
    """How a typed instansi (or header) is compared: spacing folded, case ignored."""
    return " ".join(str(text).split()).casefold()


def spelling_lookup(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{spelling: code}`` from ``(code, name)`` pairs: each code and each name -> the code.

    Every spelling is kept as written (for "maksud Anda …" hints) and as its ``spelling_key``.
    """
    lookup: dict[str, str] = {}
    for code, name in pairs:
        for spelling in (str(name), str(code)):
            lookup[spelling] = str(code)
            lookup.setdefault(spelling_key(spelling), str(code))
    return lookup


def find_code(lookup: Mapping[str, str], typed: object) -> str | None:
    """The code a user meant by a code or a name (see ``spelling_lookup``), or None."""
    return lookup.get(spelling_key(typed))
