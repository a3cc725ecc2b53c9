"""How ``search`` made and wrote its hits before hits were made as they are written:
every entry found read at once, every hit made, then the whole text. Kept verbatim (but
for taking the search's matched terms as it now gives them) as the reference the
streamed path is checked against."""

from __future__ import annotations

from typing import Any

from chronicle.exchange.serialise import json_document
from chronicle.index.analysis import Tier
from chronicle.index.hits import Hit, exact_word, make_hit
from chronicle.render.entries import date_text
from chronicle.render.search import where_label


def hits(catalog: Any, outcome: Any, parsed: Any, filters: Any, sort: str,
         details: bool = True) -> list[Hit]:
    """The hits of a search's outcome (`chronicle.index.searching._Search`, run)."""
    ids = [entry_id for entry_id, _, _ in outcome.found]
    entries = catalog.get_many(list(dict.fromkeys(ids)))
    hits: list[Hit] = []
    seen: set[str] = set()
    typed = {exact_word(word) for node in parsed.words() for word in node.words}
    typed |= {exact_word(node.words[0]) + "*" for node in parsed.words() if node.prefix}
    for entry_id, score, matched in outcome.found:
        entry = entries.get(entry_id)
        if entry is None or entry.id in seen:
            continue
        seen.add(entry.id)
        if details:
            hit = make_hit(entry, score, set(matched), outcome.compiler.record, typed)
        else:
            hit = Hit(entry, score, Tier.EXACT, [], [], [], [(entry.title, False)], [])
        if filters is not None:
            hit.imprecise = filters.is_imprecise(entry)
        hits.append(hit)
    if sort == "relevance" and details:
        hits.sort(key=lambda h: (h.tier, -h.score))
    return hits


def results_plain(hits: list[Hit]) -> str:
    lines = []
    for hit in hits:
        date = date_text(hit.entry, imprecise=hit.imprecise).plain
        lines.append(f"{date}  {hit.entry.title}  [{hit.entry.id}]")
        where = where_label(hit)
        if where:
            lines.append(f"    {where}")
        if hit.snippet:
            lines.append("    " + "".join(piece for piece, _ in hit.snippet))
    return "".join(line + "\n" for line in lines)


def results_json(hits: list[Hit]) -> str:
    return json_document([hit.to_dict() for hit in hits]) + "\n"


def results_ids(hits: list[Hit]) -> str:
    return "".join(hit.entry.id + "\n" for hit in hits)
