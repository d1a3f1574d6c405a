"""gazetteer/tools/verify_ids.py, the maintainers' stricter check, run as analysts run it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "gazetteer" / "tools" / "verify_ids.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_shipped_gazetteer_passes():
    done = run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 error(s)" in done.stdout


def test_unknown_geonames_id_and_borrowed_coordinates(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- id: place:made-up\n  name: Made Up Place\n  type: area\n  lat: 10.12345\n  lon: 10.12345\n\n"
        "- id: geonames:999999999\n  name: Nowhere\n  type: town\n  country: UA\n",
        encoding="utf-8",
    )
    done = run("--no-shipped", str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{bad}:7: entry 'geonames:999999999': GeoNames id not in the installed" in done.stdout
    assert f"{bad}:1: entry 'place:made-up': coordinates 10.12345, 10.12345 do not come from" in done.stdout
    assert "2 error(s)" in done.stdout


def test_plain_name_next_to_a_shipped_weak_one(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("- id: place:made-up\n  name: Made Up Place\n  type: area\n  variants: [Lyman]\n",
                     encoding="utf-8")
    done = run(str(extra))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{extra}:1: entry 'place:made-up': name 'Lyman' is shared by entries" in done.stdout


def test_schema_errors_come_from_the_package(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: place:x\n  name: X\n  type: area\n  varaints: [Y]\n", encoding="utf-8")
    done = run("--no-shipped", str(bad))
    assert done.returncode == 1
    assert f"error: {bad}:4: entry 'place:x': unknown key 'varaints'" in done.stdout


def test_world_layer_ids_are_checked_against_the_world_layer(tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("- id: iso3166-2:CA-ON\n  name: Ontario\n  type: region\n  country: CA\n", encoding="utf-8")
    bad.write_text("- id: fips:99999\n  name: Nowhere County\n  type: region\n  country: US\n", encoding="utf-8")
    assert run("--no-shipped", str(good)).returncode == 0
    done = run("--no-shipped", str(bad))
    assert done.returncode == 1
    assert f"{bad}:1: entry 'fips:99999': id not in the world layer" in done.stdout
