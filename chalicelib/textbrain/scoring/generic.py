"""Score components for software, ebooks and other content: title, author, version, files."""

from __future__ import annotations

from chalicelib.textbrain.scoring.breakdown import Component, Rejection
from chalicelib.textbrain.scoring.components import found_in, size_component
from chalicelib.textbrain.scoring.offer import Offer
from chalicelib.textbrain.scoring.terms import TicketTerms
from chalicelib.textbrain.scoring.video import title_component


def generic_components(
    terms: TicketTerms, offer: Offer
) -> tuple[list[Component], list[Rejection], str]:
    """Every generic component for one offer, the hard fails, and the scope ('release')."""
    components: list[Component] = []
    rejections: list[Rejection] = []
    if terms.title:
        title, rejection = title_component(terms, offer)
        components.append(title)
        if rejection:
            rejections.append(rejection)
    elif terms.words:
        # An 'other' ticket may describe itself only by description and tags.
        value = found_in(" ".join(sorted(terms.words)), offer.title)
        components.append(Component("title", terms.rules.weight("title"), value,
                                    f"description words found ~ {value:.0%}"))
    if terms.author:
        value = found_in(terms.author, offer.title)
        components.append(Component("author", terms.rules.weight("author"), value,
                                    f"author {'named' if value >= 0.9 else 'not clearly named'}"
                                    f" in the title ~ {value:.0%}"))
    if terms.version:
        named = terms.version in offer.title
        components.append(Component("version", terms.rules.weight("version"),
                                    1.0 if named else 0.4,
                                    f"version {terms.request.query.version} "
                                    f"{'named' if named else 'not named'} in the title"))
    mapping = offer.mapping
    if mapping is not None:
        weight = terms.rules.weight("files")
        if mapping.unmapped:
            reason = "; ".join(u.reason for u in mapping.unmapped)
            components.append(Component("files", weight, 0.0, reason))
            rejections.append(Rejection("missing_files", reason))
        elif mapping.mapped:
            components.append(Component("files", weight, mapping.confidence,
                                        f"{len(mapping.mapped)} file(s) mapped"))
    if terms.rules.plausible_item_bytes:
        low, high = terms.rules.plausible_item_bytes
        size = size_component(terms, offer.candidate.size, low, high, "this content")
        if size is not None:
            components.append(size)
    return components, rejections, "release"
