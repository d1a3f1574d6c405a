"""World places in context, on a small GeoNames dump written for the tests."""
import pytest

from normalizer.gazetteer.schema import Entry
from normalizer.world.dump import import_geonames_dump
from normalizer.world.index import GeoNamesIndex
from normalizer.world.places import PlaceContext, WorldPlaces, fill_coordinates

from ..conftest import DUMP_FILES, GEONAMES

MISSOURI_SPRINGFIELD, ILLINOIS_SPRINGFIELD = "geonames:4409896", "geonames:4250542"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    out = tmp_path_factory.mktemp("places") / "world.sqlite"
    import_geonames_dump([GEONAMES / name for name in DUMP_FILES], out=out)
    with GeoNamesIndex.open(index_path=out) as opened:
        yield opened


@pytest.fixture(scope="module")
def world(index):
    return WorldPlaces(index, {})


def test_population_decides_without_context(world):
    assert world.resolve("Springfield").entry.canonical_id == MISSOURI_SPRINGFIELD


def test_city_state_pattern(world):
    choice = world.resolve("Springfield", following=", Ill., police said")
    assert choice.entry.canonical_id == ILLINOIS_SPRINGFIELD
    assert choice.score > 0.8
    assert choice.alternatives[0][0] == MISSOURI_SPRINGFIELD
    assert world.resolve("Springfield", following=", Illinois").entry.canonical_id == ILLINOIS_SPRINGFIELD


def test_document_context_decides(world, index):
    context = PlaceContext()
    illinois = index.get("geonames:4896861")
    context.add(WorldPlaces(index, {}).entry_for(illinois), illinois)
    assert world.resolve("Springfield", context=context).entry.canonical_id == ILLINOIS_SPRINGFIELD


def test_ap_state_abbreviation_is_the_state(world):
    assert world.resolve("Ill.").entry.canonical_id == "geonames:4896861"
    assert world.resolve("Ill", following=". officials").entry.canonical_id == "geonames:4896861"


def test_a_name_no_place_has_is_answered_without_a_lookup(index):
    world = WorldPlaces(index, {})
    assert world.resolve("Quellbrunn Vale", following=", Ill., police said") is None
    assert world.candidates("Quellbrunn Vale") == [] and world.neighbour_points("Quellbrunn Vale") == ()
    assert world._lookups.cache_info().currsize == 0  # nothing looked up, nothing remembered
    # a period still makes an AP-style abbreviation of a name the index does not hold as written
    assert world.resolve("Ill", following=". officials").entry.canonical_id == "geonames:4896861"
    assert world._lookups.cache_info().currsize == 1


def test_imported_entry_carries_type_and_coordinates(world):
    choice = world.resolve("Kharkov")
    assert (choice.entry.canonical_id, choice.entry.name, choice.entry.type) == (
        "geonames:706483", "Kharkiv", "city")
    assert choice.entry.lat is not None


def test_curated_entry_takes_over_and_excludes(index):
    curated = Entry("geonames:706483", name="Kharkiv (curated)", type="city", exclude=["Kharkov"])
    world = WorldPlaces(index, {curated.canonical_id: curated})
    assert world.resolve("Kharkiv").entry is curated
    assert world.resolve("Kharkov") is None  # the analyst excluded that name


def test_strict_keeps_only_prominent_places(world):
    assert world.resolve("Izyum", strict=True) is None  # 45,884 people: not for an ORG-labeled span
    assert world.resolve("Kharkiv", strict=True).entry.canonical_id == "geonames:706483"


def test_fill_coordinates(index):
    entries = {"geonames:706483": Entry("geonames:706483", name="Kharkiv", type="city"),
               "place:x": Entry("place:x", name="X", type="area")}
    assert fill_coordinates(entries, index) == 1
    assert entries["geonames:706483"].lat is not None and entries["place:x"].lat is None


@pytest.fixture(scope="module")
def world_normalizer(index, mini_gazetteer):
    import spacy

    from normalizer.pipeline.component import EntityNormalizer

    return EntityNormalizer(spacy.blank("en"), gazetteer=mini_gazetteer, world_index=index)


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # imported names resolve NER place spans, with coordinates
        # (the state's abbreviation NER left untagged is a place too)
        ("Police in Springfield, Ill., said", [("Springfield", "GPE")],
         [("Springfield", "GPE", ILLINOIS_SPRINGFIELD), ("Ill.", "GPE", "geonames:4896861")]),
        # ... but never free text
        ("Police in Springfield said", [], []),
        # a prominent place NER called ORG or NORP becomes a place; a small one does not
        ("Kharkiv police said", [("Kharkiv", "ORG")], [("Kharkiv", "GPE", "geonames:706483")]),
        ("Izyum police said", [("Izyum", "ORG")], [("Izyum", "GPE", "geonames:707292")]),  # curated: relabeled
        ("Springfield police said", [("Springfield", "ORG")], [("Springfield", "GPE", MISSOURI_SPRINGFIELD)]),
        ("Springfield police said", [("Springfield", "NORP")], [("Springfield", "GPE", MISSOURI_SPRINGFIELD)]),
        ("Sangamon police said", [("Sangamon", "ORG")], [("Sangamon", "ORG", None)]),
        # never a person's name
        ("Springfield Jones said", [("Springfield Jones", "PERSON")], [("Springfield Jones", "PERSON", None)]),
    ],
)
def test_world_layer_in_the_component(blank_nlp, world_normalizer, text, ents, expected):
    from normalizer.pipeline.records import doc_records

    from ..conftest import annotate_with_ents

    doc = annotate_with_ents(blank_nlp, world_normalizer, text, ents)
    assert [(r["text"], r["label"], r["id"]) for r in doc_records(doc)] == expected
    assert all(r["lat"] is not None for r in doc_records(doc) if r["id"])


def test_a_curated_place_yields_to_a_namesake_only_on_the_documents_evidence(world):
    # the curated choice stays where the document says nothing
    assert world.resolve("Springfield", prefer=ILLINOIS_SPRINGFIELD).entry.canonical_id == ILLINOIS_SPRINGFIELD
    # "Springfield, Ill." is evidence for the Illinois namesake of a curated Missouri Springfield
    choice = world.resolve("Springfield", following=", Ill., police", prefer=MISSOURI_SPRINGFIELD)
    assert choice.entry.canonical_id == ILLINOIS_SPRINGFIELD
    assert world.resolve("Springfield", prefer=MISSOURI_SPRINGFIELD).entry.canonical_id == MISSOURI_SPRINGFIELD


def test_a_hair_of_evidence_does_not_displace_a_curated_place():
    from normalizer.world.index import default_index

    world = WorldPlaces(default_index(), {})
    capital, state = "geonames:4140963", "geonames:5815135"  # Washington, D.C. and the state
    # a point the document resolved far out in the Pacific is a hair nearer the state (0.02 of
    # nearness): less than the margin, so the curated capital stays
    far = PlaceContext(points=[(47.3, -140.0)])
    assert world.resolve("Washington", context=far, prefer=capital).entry.canonical_id == capital
    # a point inside the state favours it by far more than the margin
    near = PlaceContext(points=[(47.6, -122.3)])
    assert world.resolve("Washington", context=near, prefer=capital).entry.canonical_id == state


def test_a_national_capitals_very_name_is_the_capitals():
    from normalizer.world.index import default_index

    world = WorldPlaces(default_index(), {})
    # Chittagong's old name is Islamabad: beside Chittagong in the document, the name is still Pakistan's capital
    beside = PlaceContext(countries={"BD": 2}, points=[(22.3384, 91.8317)])
    assert world.resolve("Islamabad", context=beside).place.country == "PK"
    # a city's old name that is no national capital's still reads as the city: Bombay is Mumbai
    assert world.resolve("Bombay").place.country == "IN"


def test_strict_refuses_acronyms_and_alternate_names(world):
    assert world.resolve("KHARKIV", strict=True) is not None  # a dateline in capitals is the very name
    assert world.resolve("HRK", strict=True) is None  # acronym-like: an organization's, not a place's
    assert world.resolve("Kharkov", strict=True) is None  # an alternate name is not enough for ORG spans


def test_county_names_are_context_for_their_state():
    from normalizer.world.index import default_index

    world = WorldPlaces(default_index(), {})
    assert world.county_states("Latah County") == {"ID"}
    assert "KY" in world.county_states("Washington County")
    assert world.resolve("Moscow").place.country == "RU"
    context = PlaceContext()
    context.add_region("US", world.county_states("Latah County"))
    assert ("US", "ID") in context.regions and context.countries == {"US": 1}
    assert world.resolve("Moscow", context=context).place.country == "US"


@pytest.fixture(scope="module")
def full_world():
    from normalizer.world.index import default_index

    return WorldPlaces(default_index(), {})


def test_a_town_and_its_county_support_each_other(full_world):
    """'Dublin and Laurens County': each name's likeliest places support the other's near them."""
    assert full_world.resolve("Dublin").place.country == "IE"  # alone: the capital
    context = PlaceContext()
    county = full_world.resolve("Laurens County")  # alone: the most populous one, as a first pass finds
    assert county.place.admin1 == "SC"
    context.add(county.entry, county.place)
    assert full_world.resolve("Dublin", context=context).place.admin1 != "GA"  # Laurens County, S.C. wins alone
    context.add_neighbour(full_world.neighbour_points("Laurens County"))
    dublin = full_world.resolve("Dublin", context=context)
    assert dublin.entry.canonical_id == "geonames:4192205"  # Dublin, Georgia: the seat of Laurens County there
    context = PlaceContext()
    context.add_neighbour(full_world.neighbour_points("Dublin"))
    assert full_world.resolve("Laurens County", context=context).place.admin1 == "GA"


def test_canadian_press_abbreviations(full_world):
    assert full_world.resolve("B.C.").entry.canonical_id == "iso3166-2:CA-BC"
    assert full_world.resolve("Alta", following=". officials").entry.canonical_id == "iso3166-2:CA-AB"
    assert full_world.resolve("Devon").place.country == "GB"  # alone: the English county
    devon = full_world.resolve("Devon", following=", Alta., police said").place
    assert (devon.country, devon.admin1) == ("CA", full_world.index.get("iso3166-2:CA-AB").admin1)


@pytest.mark.parametrize(
    ("written", "feature", "country"),
    [
        ("Ontario", "admin1", "CA"),  # the province, not Ontario, California
        ("Queensland", "admin1", "AU"),
        ("Gaza", "city", "PS"),  # the city of 410,000, not Mozambique's Gaza province
        ("Latah County", "admin2", "US"),
        ("Wales", "admin1", "GB"),  # not the United Kingdom, whose alternate spelling it is in countryinfo
    ],
)
def test_subdivisions_and_counties_compete_with_cities(full_world, written, feature, country):
    place = full_world.resolve(written).place
    assert (place.feature, place.country) == (feature, country)
    assert place.lat is not None


def test_strict_wants_a_populous_subdivision(full_world):
    # Jamaica's Hanover parish (15,000 people) is no reason to read an ORG span as a place
    assert full_world.resolve("Hanover", strict=True) is None
    assert full_world.resolve("Hanover").place.country != "JM"  # nor the likeliest Hanover


def test_city_state_pattern_at_the_end_of_a_sentence(world):
    assert world.resolve("Springfield", following=", Illinois. Crews said").entry.canonical_id == ILLINOIS_SPRINGFIELD
    assert world.containers(", Illinois.")[0].canonical_id == "geonames:4896861"
    assert world.containers(" and Illinois") == []


def test_national_capitals(full_world):
    capitals = {full_world.index.get(i).name for i in full_world.capitals}
    assert {"Paris", "Kyiv", "Ottawa", "Canberra"} <= capitals
    paris = [p for p, _ in full_world.candidates("Paris")]
    assert [p.country for p in paris if p.canonical_id in full_world.capitals] == ["FR"]


def test_a_curated_entry_takes_over_a_subdivision_by_its_iso_id(tmp_path):
    from normalizer import load_gazetteer
    from normalizer.world.index import default_index

    path = tmp_path / "ca.yaml"
    path.write_text("- id: iso3166-2:CA-ON\n  name: Ontario (province)\n  type: region\n  country: CA\n"
                    "  variants:\n    - Upper Canada\n", encoding="utf-8")
    gazetteer = load_gazetteer([path], shipped=False)
    world = WorldPlaces(default_index(), gazetteer.entries)
    fill_coordinates(gazetteer.entries, world.index)
    entry = world.resolve("Ontario").entry
    assert (entry.canonical_id, entry.name) == ("iso3166-2:CA-ON", "Ontario (province)")
    assert entry.lat is not None  # the world layer's point


@pytest.mark.parametrize(
    ("written", "following", "country", "admin1"),
    [
        ("Washington County", ", Ky., deputies said", "US", "KY"),  # one of 30, not among the 25 likeliest
        ("Flint", ", Wales", "GB", "WLS"),
        ("Perth", ", Scotland", "GB", "SCT"),
    ],
)
def test_the_container_named_after_the_comma_decides(full_world, written, following, country, admin1):
    place = full_world.resolve(written, following=following).place
    assert (place.country, place.admin1) == (country, admin1)


def test_a_curated_subdivision_still_yields_to_a_located_namesake(tmp_path):
    import normalizer

    path = tmp_path / "ca.yaml"
    path.write_text("- id: iso3166-2:CA-ON\n  name: Ontario\n  type: region\n  country: CA\n", encoding="utf-8")
    nlp = normalizer.load(gazetteer=[path])
    ents = [(e.text, e.kb_id_) for e in nlp("He moved to Ontario, Oregon, last year.").ents if e.text == "Ontario"]
    assert ents and ents[0][1] != "iso3166-2:CA-ON"


US_NAMES = ["Laurens County", "Memphis", "Nashville", "Jackson", "Dallas", "Austin", "Houston", "Denver", "Franklin",
            "Greenville", "Columbia", "Clinton", "Madison", "Salem", "Georgetown", "Kharkiv", "Lyon"]
AMBIGUOUS = ["Paris", "Springfield", "Washington County", "Jackson", "Greenville", "Franklin", "Dublin",
             "Laurens County", "Columbus", "Portland"]


def neighbours_context(world: WorldPlaces) -> PlaceContext:
    context = PlaceContext()
    for name in US_NAMES:
        context.add_neighbour(world.neighbour_points(name))
    context.add(Entry("x:memphis", type="city", country="US", lat=35.15, lon=-90.05))
    return context


def test_the_approximate_support_makes_the_exact_choices(full_world, monkeypatch):
    """The vectorized support and nearness, checked against their error bound, choose (and score) exactly as
    the straightforward sums do: whether the choice is certain or weighed again."""
    from normalizer.world import points as points_module

    context = neighbours_context(full_world)
    assert context.error > 0  # the vectorized path
    approximate = [full_world.resolve(name, context=context) for name in AMBIGUOUS]
    monkeypatch.setattr(points_module, "SMALL", 10**9)  # plain loops only: exact
    monkeypatch.setattr(points_module, "NEAREST_SMALL", 10**9)
    exact_context = neighbours_context(full_world)
    assert exact_context.neighbour_set().error == 0.0
    assert [full_world.resolve(name, context=exact_context) for name in AMBIGUOUS] == approximate
    monkeypatch.undo()
    monkeypatch.setattr(points_module, "TERM_ERROR", 1.0)  # never certain: every choice weighed again exactly
    assert [full_world.resolve(name, context=neighbours_context(full_world)) for name in AMBIGUOUS] == approximate


def test_remembered_candidates_are_copies(world):
    first = world.candidates("Springfield")
    first.clear()
    assert world.candidates("Springfield")
