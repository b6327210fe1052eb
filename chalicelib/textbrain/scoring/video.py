"""Video score components: title, season/episode, resolution, the feature file, size."""

from __future__ import annotations

from chalicelib.content.video import resolution_fit
from chalicelib.domain.request import ContentType
from chalicelib.textbrain.scoring.breakdown import Component, Rejection
from chalicelib.textbrain.scoring.components import found_in, similarity, size_component
from chalicelib.textbrain.scoring.names import (
    best_match,
    extra_name_words,
    extra_words,
    installment_fit,
    name_forms,
    names_before_year,
    qualified,
    title_variants,
    words_after_name,
)
from chalicelib.textbrain.scoring.offer import Offer
from chalicelib.textbrain.scoring.terms import TicketTerms

WRONG_TITLE = 0.65
# A show's name with words the ticket lacks is another show ('Dark Matter' for 'Dark') or the
# same one named oddly: it ranks lower and is never sure enough to approve alone.
SPIN_OFF_CAP = 0.8
# The release names no country or year where the ticket does: probably, not surely, the same.
UNQUALIFIED = 0.9
# The release names a country or year the ticket does not: one of several versions.
OVER_QUALIFIED = 0.8


def title_component(
    terms: TicketTerms, offer: Offer, what: str = "title"
) -> tuple[Component, Rejection | None]:
    """The release's title (or series) against the ticket's; too far apart is a hard fail.

    A film's title is also read as the words before its year, so a subtitle the parser cut
    off still counts, and its installment number must be the ticket's.
    """
    weight = terms.rules.weight("title")
    parsed = offer.parsed
    if terms.request.query.expected is ContentType.TV_EPISODE and parsed.title:
        return _series_title(terms, offer)
    movie = terms.request.query.expected is ContentType.MOVIE
    offered: tuple[str, ...] = (parsed.title,) if parsed.title else ()
    wholes: tuple[str, ...] = ()
    if movie:
        year = parsed.year or terms.request.query.year
        wholes = names_before_year(offer.candidate.title, year)
        offered += tuple(whole for whole in wholes if whole != parsed.title)
    wanted_forms = terms.title_forms or (terms.title,)
    rejection = None
    if offered:
        value, chosen = best_match(wanted_forms, offered, similarity)
        reason = f"{what} '{chosen}' ~ {value:.0%}"
        if movie:
            factor, why = installment_fit(terms.request.query.title or "", chosen)
            if why is not None:
                year = terms.request.query.year
                # Same title, same year, another number: a differently numbered name of the
                # same film ('Mission Impossible 7'), so only a penalty.
                if factor == 0.0 and (year is None or parsed.year != year):
                    wrong = f"another installment: {why}"
                    return (Component("title", weight, 0.0, wrong),
                            Rejection("wrong_installment", wrong))
                value *= factor or 0.8
                reason += f" ({why})"
            # The uploader's whole name decides: a parser may cut 'Part Two' off 'Dune'.
            after = words_after_name(wanted_forms, wholes[0]) if wholes else None
            extra = after if after is not None else extra_name_words(wanted_forms, offered)
            if extra:
                value = min(value, SPIN_OFF_CAP)
                reason += f" (adds {' '.join(extra)})"
    else:
        value = found_in(terms.title, offer.title)
        reason = f"{what} found in the release name ~ {value:.0%}"
    if value < WRONG_TITLE:
        wrong = (f"wrong {what}: '{parsed.title or offer.candidate.title}' is not "
                 f"'{terms.request.query.title}'")
        return Component("title", weight, value, wrong), Rejection(f"wrong_{what}", wrong)
    return Component("title", weight, value, reason), rejection


def _series_title(terms: TicketTerms, offer: Offer) -> tuple[Component, Rejection | None]:
    """A show's name, its national or dated version, and spin-offs that share its first words."""
    weight = terms.rules.weight("title")
    query = terms.request.query
    shown = offer.parsed.title or ""
    wanted, have = qualified(query.title or ""), qualified(shown)
    # The version words are judged apart, so they leave every form ('The Office US' too).
    wanted_forms = tuple(dict.fromkeys(
        qualified(form).base
        for variant in title_variants(_unqualified(query.title or ""), short_head=False)
        for form in name_forms(variant))) or (terms.title,)
    offered_forms = tuple(dict.fromkeys(qualified(f).base for f in name_forms(have.base)))
    value, _ = best_match(wanted_forms, (have.base,), similarity)
    notes = []
    wrong = None
    wanted_year = wanted.year or query.year
    if wanted.country and have.country and wanted.country != have.country:
        wrong = f"another version: {have.country.upper()}, {wanted.country.upper()} requested"
    elif wanted_year and have.year and abs(wanted_year - have.year) > 1:
        wrong = f"another version: the {have.year} show, the {wanted_year} one requested"
    if wrong is not None:
        return Component("title", weight, 0.0, wrong), Rejection("wrong_version", wrong)
    if (have.country and not wanted.country) or (have.year and not wanted_year):
        value *= OVER_QUALIFIED
        notes.append("names a version the ticket does not")
    elif (wanted.country and not have.country) or (wanted.year and not have.year):
        value *= UNQUALIFIED
        notes.append("does not name the requested version")
    if all(extra_words(w, o) for w in wanted_forms for o in offered_forms):
        value = min(value, SPIN_OFF_CAP)
        notes.append("has words the requested name lacks")
    reason = f"series '{shown}' ~ {value:.0%}" + (f" ({'; '.join(notes)})" if notes else "")
    if value < WRONG_TITLE:
        wrong = f"wrong series: '{shown}' is not '{query.title}'"
        return Component("title", weight, value, wrong), Rejection("wrong_series", wrong)
    return Component("title", weight, value, reason), None


def _unqualified(title: str) -> str:
    """The title without a trailing '(US)' or '(2005)' the ticket uses to name a version."""
    head, paren, _ = title.rpartition("(")
    return head.strip() if paren and head.strip() else title


def video_components(
    terms: TicketTerms, offer: Offer
) -> tuple[list[Component], list[Rejection], str]:
    """Every video component for one offer, the hard fails, and the release's scope."""
    tv = terms.request.query.expected is ContentType.TV_EPISODE
    title, rejection = title_component(terms, offer, "series" if tv else "title")
    components = [title]
    rejections = [rejection] if rejection else []
    scope = "movie"
    if tv:
        episode, rejection, scope = _season_episode(terms, offer)
        components.append(episode)
        if rejection:
            rejections.append(rejection)
    value, reason = resolution_fit(terms.request.constraints.min_resolution,
                                   offer.parsed.resolution)
    components.append(Component("resolution", terms.rules.weight("resolution"), value, reason))
    files, rejection = _feature_files(terms, offer)
    if files is not None:
        components.append(files)
    if rejection:
        rejections.append(rejection)
    low, high = terms.rules.plausible_item_bytes or (0, 0)
    count = max(terms.video_count, 1)
    if scope in ("season_pack", "series_pack"):
        high *= 30
    size = size_component(terms, offer.candidate.size, low, high * count,
                          f"{count} video file(s)")
    if size is not None:
        components.append(size)
    return components, rejections, scope


def _season_episode(
    terms: TicketTerms, offer: Offer
) -> tuple[Component, Rejection | None, str]:
    weight = terms.rules.weight("season_episode")
    parsed = offer.parsed
    wanted_seasons = {s for s, _ in terms.episodes if s is not None}
    wanted_episodes = {e for _, e in terms.episodes if e is not None}
    wanted_label = ", ".join(_label(s, e) for s, e in terms.episodes)
    if not parsed.seasons:
        return Component("season_episode", weight, 0.3, "no season in the title"), None, "unknown"
    offered = ", ".join(f"S{s:02d}" for s in parsed.seasons)
    if wanted_seasons and not wanted_seasons <= set(parsed.seasons):
        wrong = f"wrong season: {offered} offered, {wanted_label} requested"
        return Component("season_episode", weight, 0.0, wrong), Rejection(
            "wrong_season", wrong), "wrong_season"
    if parsed.episodes:
        shown = offered + _episodes_label(parsed.episodes)
        missing = wanted_episodes - set(parsed.episodes)
        if missing:
            wrong = f"wrong episode: {shown} offered, {wanted_label} requested"
            return Component("season_episode", weight, 0.0, wrong), Rejection(
                "wrong_episode", wrong), "wrong_episode"
        if len(parsed.episodes) > len(wanted_episodes):
            return Component("season_episode", weight, 0.9, f"multi-episode {shown} holds "
                                                            f"{wanted_label}"), None, "episodes"
        return Component("season_episode", weight, 1.0, f"{shown} as requested"), None, "episode"
    if len(parsed.seasons) > 1:
        return Component("season_episode", weight, 0.65, f"multi-season pack {offered} holds "
                                                         f"{wanted_label}"), None, "series_pack"
    value = 1.0 if not wanted_episodes else 0.75
    return Component("season_episode", weight, value, f"season pack {offered} holds "
                                                      f"{wanted_label}"), None, "season_pack"


def _episodes_label(episodes: tuple[int, ...]) -> str:
    ordered = sorted(episodes)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"E{ordered[0]:02d}-E{ordered[-1]:02d}"
    return "".join(f"E{e:02d}" for e in ordered)


def _label(season: int | None, episode: int | None) -> str:
    text = f"S{season:02d}" if season is not None else "S??"
    return text + (f"E{episode:02d}" if episode is not None else "")


def _feature_files(terms: TicketTerms, offer: Offer) -> tuple[Component | None, Rejection | None]:
    mapping = offer.mapping
    if mapping is None:
        return None, None
    weight = terms.rules.weight("files")
    if mapping.unmapped:
        reason = "; ".join(u.reason for u in mapping.unmapped)
        return Component("files", weight, 0.0, reason), Rejection("missing_files", reason)
    if not mapping.mapped:
        return None, None
    return Component("files", weight, mapping.confidence, mapping.mapped[0].reason), None
