"""A mention: a token range of a document, the label NER gave it, how it resolved, and why it is what it is.

Mentions are values: a stage that changes one makes a new one (``mention.but(...)``), so a list a
stage was given is never changed behind its back. ``why`` keeps the evidence for every decision
the normalizer took against or beyond NER (``Why``), in the order the stages took them; it goes
into ``Span._.why`` and, with ``--why``, into the JSONL output.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from .resolve import Resolution

FOLLOWING_CHARS = 40  # text after a mention read for "City, State" patterns


class Why(StrEnum):
    """A rule that made or changed a mention; the value is what the output shows."""

    # the name is a place, on the text's evidence (pipeline/toponyms.py: CUES tries the cues among these in order)
    COMMA = "comma"  # "City, State" with a namesake in that state or country
    PREP = "prep"  # after a locative preposition ("in", "near")
    VOTE = "vote"  # NER tags the same name as a place elsewhere in the document
    NOUN = "noun"  # before a local noun ("Ashby police")
    PLURAL = "plural"  # in a list before a plural place noun ("... counties")
    RESIDENCE = "residence"  # ", of Ashby," after a person
    TOWN_OF = "townof"  # "the village of Ashby"
    TITLE_OF = "titleof"  # a title held over a place ("the bishop of Ashby")
    TO = "to"  # after a motion preposition ("flew to Ashby")
    FROM = "from"  # ("drove from Ashby")
    VISIT = "visit"  # after a verb of visiting ("toured Ashby")
    LIST = "list"  # coordinated with a place
    CAPITAL = "capital"  # a country's or national capital's name
    FEATURE = "feature"  # a name NER called a person's or an organization's that names water ("the River Ashby")
    AREA = "area"  # a name NER called a person's that ends in an administrative area's word ("Ashby County")
    NATIONALITY = "nationality"  # a country whose nationality word the document uses ("for Chad ... Chadian")
    NEAR = "near"  # a town near the document's other towns, NER called a person or organization (pipeline/nearby.py)
    FORM = "form"  # an East Slavic place name's ending (-ivka, -ove) of a place in a Cyrillic-script country
    DATELINE = "dateline"  # an all-caps dateline
    PARTY = "party"  # a legislator's state after a party letter ("D-Ore.")
    UNTAGGED = "untagged"  # NER did not tag the name at all
    ABBREVIATION = "abbreviation"  # a state or province abbreviation after a place ("Dunmore, Alta.")
    WIDENED = "widened"  # NER cut the place's name short
    NARROWED = "narrowed"  # NER took a word for a settlement into the place's name ("[Ashby City] Manager")
    PERIOD = "period"  # an abbreviation keeps its sentence-final period
    # names NER did not delimit (pipeline/compounds.py, pipeline/agencies.py)
    COMPOUND = "compound"  # a name inside a hyphenated compound ("pro-Lisbon", "Oslo-based")
    AGENCY = "agency"  # the agency of a wire dateline ("ASHBY, May 2 /Acme/ -")
    POSSESSIVE = "possessive"  # a name before a possessive inside NER's span ("[Ashby]'s [Port Authority]")
    ACRONYM = "acronym"  # an acronym the text defines, and its later uses ("the Ashby Trust (AT)")
    BYLINE = "byline"  # a name in a wire story's credit line ("Reporting by Jo Roe")
    EVENT = "event"  # an organization NER joined to its event ("[Acme] Summit")
    TITLE = "title"  # a place NER joined to the job title after it ("[Ashby] Treasury Secretary")
    REGION = "region"  # a city's name the text uses for its region (pipeline/region_readings.py)
    TOWN = "town"  # a region's name the text calls a town's ("the town of Ashby"; pipeline/region_readings.py)
    INSTITUTION = "institution"  # an organization or building NER called a place ("Ashby City Council")
    COMPANY = "company"  # a company's legal name ("Ashby Oyj"), or its short name ("Ashby" beside "Ashby Ltd")
    TWIN = "twin"  # one of two names of one place side by side ("Cologne Köln"; pipeline/twin_names.py)
    # the place span is a person (pipeline/place_spans.py)
    AFTER_TITLE = "after-title"  # "coach Ashby"
    SPEAKS = "speaks"  # a small town's name before "said"
    PERSON_PART = "person-part"  # a word of a person's name in the document
    HONORIFIC = "honorific"  # "Ms Corliss"
    STYLE = "style"  # the name after a style of address ("Her Royal Highness Princess Ada"; pipeline/titled_people.py)
    # resolution
    ONE_SENSE = "one-sense"  # the best-informed mention of the same name decided


@dataclass(frozen=True)
class Mention:
    """A token range with the label NER gave (None if only the gazetteer found it)."""

    start: int
    end: int
    ner_label: str | None
    from_gazetteer: bool = False
    resolution: Resolution | None = None
    why: tuple[Why, ...] = ()

    @property
    def label(self) -> str | None:
        """The entry's label when resolved, else NER's."""
        if self.resolution and self.resolution.entry.label:
            return self.resolution.entry.label
        return self.ner_label

    def but(self, *because: Why, **changes) -> Mention:
        """This mention with ``changes`` (start, end, ner_label, resolution, ...), noting ``because``."""
        if not changes.keys() <= _FIELDS:  # a field the fast path below does not pass on, or no field at all
            return replace(self, **changes, why=self.why + because)
        return Mention(changes.get("start", self.start), changes.get("end", self.end),
                       changes.get("ner_label", self.ner_label), changes.get("from_gazetteer", self.from_gazetteer),
                       changes.get("resolution", self.resolution), self.why + because)

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end

    def same(self, other: Mention) -> bool:
        return self.start == other.start and self.end == other.end

    def contains(self, other: Mention) -> bool:
        return self.start <= other.start and other.end <= self.end and not self.same(other)


# The fields ``Mention.but`` passes on itself, in the constructor's order; any other change goes through
# dataclasses.replace (a field added later too).
_FIELDS = frozenset(("start", "end", "ner_label", "from_gazetteer", "resolution"))
