"""`gazetteer import geonames` on broken dump files: the first bad line stops the import, named by file:line."""
from __future__ import annotations

from pathlib import Path

import pytest

from normalizer.errors import GeoNamesError
from normalizer.world.dump import import_geonames_dump
from normalizer.world.index import GeoNamesIndex

MAX = 2**63 - 1


def place(gid: str = "707292", lat: str = "49.20697", lon: str = "37.27679", name: str = "Izyum",
          population: str = "45884") -> str:
    """One allCountries.txt line (19 tab-separated columns) of a city."""
    return "\t".join([gid, name, name, "", lat, lon, "P", "PPLA3", "UA", "", "07", "", "", "", population,
                      "", "150", "Europe/Kyiv", "2023-01-05"]) + "\n"


GOOD = place(gid="704508", name="Kramatorsk", lat="48.72305", lon="37.5563")  # line 1 of every file


def country(gid: str, population: str = "41762138") -> str:
    return "\t".join(["UA", "UKR", "804", "UP", "Ukraine", "Kyiv", "603700", population, "EU", ".ua", "UAH",
                      "Hryvnia", "380", "#####", "", "uk,ru-UA", gid, "BY,PL", ""]) + "\n"


@pytest.mark.parametrize(
    "file_name, content, message",
    [
        ("allCountries.txt", GOOD.encode() + place(name="Izy\xfcm").encode("latin-1"),
         "allCountries.txt:2: not UTF-8: byte 0xfc at column 11 (GeoNames files are UTF-8)"),
        ("allCountries.txt", (GOOD + place(gid=str(10**30))).encode(),
         f"allCountries.txt:2: geonameid {10**30} is out of range (1 to {MAX})"),
        ("allCountries.txt", (GOOD + place(gid=str(2**63))).encode(),
         f"allCountries.txt:2: geonameid {2**63} is out of range (1 to {MAX})"),
        ("allCountries.txt", (GOOD + place(gid="0")).encode(),
         f"allCountries.txt:2: geonameid 0 is out of range (1 to {MAX})"),
        ("allCountries.txt", (GOOD + place(gid="-7")).encode(),
         f"allCountries.txt:2: geonameid -7 is out of range (1 to {MAX})"),
        ("allCountries.txt", (GOOD + place(gid="")).encode(), "allCountries.txt:2: no geonameid"),
        ("allCountries.txt", (GOOD + place(lat="999")).encode(),
         "allCountries.txt:2: latitude 999 is not between -90 and 90"),
        ("allCountries.txt", (GOOD + place(lon="-181")).encode(),
         "allCountries.txt:2: longitude -181 is not between -180 and 180"),
        ("allCountries.txt", (GOOD + place(lat="nan")).encode(),
         "allCountries.txt:2: latitude nan is not between -90 and 90"),
        ("allCountries.txt", (GOOD + place(lon="inf")).encode(),
         "allCountries.txt:2: longitude inf is not between -180 and 180"),
        ("allCountries.txt", (GOOD + place(lat="1e999")).encode(),
         "allCountries.txt:2: latitude 1e999 is not between -90 and 90"),
        ("allCountries.txt", (GOOD + place(population=str(10**20))).encode(),
         f"allCountries.txt:2: population {10**20} is out of range (0 to {MAX})"),
        ("allCountries.txt", (GOOD + place(population="-1")).encode(),
         f"allCountries.txt:2: population -1 is out of range (0 to {MAX})"),
        ("UA.txt", (GOOD + "\n" + place(lat="north")).encode(), "UA.txt:3: not a number: 'north'"),
        ("countryInfo.txt", ("# comment\n" + country(str(10**30))).encode(),
         f"countryInfo.txt:2: geonameid {10**30} is out of range (1 to {MAX})"),
        ("countryInfo.txt", ("# comment\n" + country("690791", population=str(10**19))).encode(),
         f"countryInfo.txt:2: population {10**19} is out of range (0 to {MAX})"),
        ("admin1CodesASCII.txt", f"UA.07\tKharkiv Oblast\tKharkiv Oblast\t{10**30}\n".encode(),
         f"admin1CodesASCII.txt:1: geonameid {10**30} is out of range (1 to {MAX})"),
        ("alternateNamesV2.txt", b"1\t0\ten\tKharkov\t\t\t\t\t\t\n",
         f"alternateNamesV2.txt:1: geonameid 0 is out of range (1 to {MAX})"),
        ("alternateNamesV2.txt", "1\t706483\ten\tKhar\xe9kov\t\t\t\t\t\t\n".encode("latin-1"),
         "alternateNamesV2.txt:1: not UTF-8: byte 0xe9 at column 17 (GeoNames files are UTF-8)"),
    ],
    ids=["latin-1-byte", "id-10^30", "id-2^63", "id-0", "id-negative", "id-empty", "lat-999", "lon-minus-181",
         "lat-nan", "lon-inf", "lat-overflow", "population-10^20", "population-negative", "lat-not-a-number",
         "country-id-10^30", "country-population-10^19", "admin1-id-10^30", "alternate-id-0",
         "alternate-latin-1"],
)
def test_bad_line_stops_the_import_at_file_and_line(
    tmp_path: Path, file_name: str, content: bytes, message: str
) -> None:
    bad = tmp_path / file_name
    bad.write_bytes(content)
    paths = [bad]
    if not file_name.endswith(("Countries.txt", "UA.txt")):  # a place file is needed besides
        (tmp_path / "allCountries.txt").write_bytes(GOOD.encode())
        paths.append(tmp_path / "allCountries.txt")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(GeoNamesError) as caught:
        import_geonames_dump(paths, out=tmp_path / "out.sqlite")
    assert str(caught.value) == f"{tmp_path}/{message}"
    assert (caught.value.path, caught.value.line) == (str(bad), int(message.split(":")[1]))
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no index, no temporary file


@pytest.mark.parametrize(
    "content",
    [
        "\ufeff" + GOOD + place(),  # a byte-order mark
        GOOD.replace("\n", "\r\n") + place(),  # Windows line ends
        GOOD + place(lat="-90", lon="180"),  # the edges are in range
        GOOD + place(gid=str(MAX)),  # SQLite's largest integer
    ],
    ids=["bom", "crlf", "edge-coordinates", "largest-id"],
)
def test_unusual_but_valid_lines_are_read(tmp_path: Path, content: str) -> None:
    dump = tmp_path / "allCountries.txt"
    dump.write_text(content, encoding="utf-8", newline="")
    out = import_geonames_dump([dump], out=tmp_path / "out.sqlite")
    with GeoNamesIndex.open(index_path=out) as index:
        assert index.candidates("Kramatorsk")[0][0].canonical_id == "geonames:704508"
        assert index.candidates("Izyum")[0][0].name == "Izyum"
