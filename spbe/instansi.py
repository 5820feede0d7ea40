"""Stable codes for instansi names as printed by KemenPANRB ("Kota Ternate" -> "kota-ternate")."""

from __future__ import annotations

import re
import unicodedata

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
        raise ValueError(f"Nama instansi kosong atau tidak valid: {name!r}")
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
