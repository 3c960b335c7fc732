"""Source resolution: mention in, canonical source, type, affiliation and prior rule out."""

from __future__ import annotations

import dataclasses
import shutil

import pandas as pd
import pytest

from credence import config, sources
from tests.conftest import CONFIG_DIR

# (mention, expected source id or None for unregistered, expected type, expected affiliation).
# The seed article's sources come first; the affiliation is compared exactly.
MENTIONS = [
    # --- every source of ../shared/acceptance/seed_article.txt ---
    ("state-run news agency KCNA", "kcna", "state_media", "state:KP"),
    ("KCNA", "kcna", "state_media", "state:KP"),
    ("The KCNA report", "kcna", "state_media", "state:KP"),
    ("Pyongyang’s military", "north-korea-military", "military", "state:KP"),
    ("North Korean leader Kim Jong Un", "kim-jong-un", "named_official", "state:KP"),
    ("North Korea", "north-korea-government", "government", "state:KP"),
    ("North Korean authorities", "north-korea-government", "government", "state:KP"),
    ("Pyongyang", "north-korea-government", "government", "state:KP"),
    ("Russian Chief of Staff Valery Gerasimov", "valery-gerasimov", "named_official", "state:RU"),
    ("Western officials", None, "anonymous_officials", "bloc:west"),
    ("Moscow", "russia-government", "government", "state:RU"),
    ("Russia", "russia-government", "government", "state:RU"),
    ("The United States", "united-states-government", "government", "state:US"),
    ("Ukraine", "ukraine-government", "government", "state:UA"),
    ("South Korean and Western intelligence", "south-korea-intelligence", "intelligence_service", "state:KR"),
    ("military experts", None, "expert", ""),
    ("Ukraine’s top general, Oleksandr Syrskyi", "oleksandr-syrskyi", "named_official", "state:UA"),
    # --- metonyms, country qualifiers, other forms of the seed's actors ---
    ("Kyiv", "ukraine-government", "government", "state:UA"),
    ("Seoul", "south-korea-government", "government", "state:KR"),
    ("the White House", "united-states-government", "government", "state:US"),
    ("Kim Jong Un", "kim-jong-un", "named_official", "state:KP"),
    ("Gerasimov", "valery-gerasimov", "named_official", "state:RU"),
    ("Syrskyi", "oleksandr-syrskyi", "named_official", "state:UA"),
    ("Moscow's army", "russia-military", "military", "state:RU"),
    ("Kyiv's armed forces", "ukraine-military", "military", "state:UA"),
    ("Russian defence ministry", "russia-military", "military", "state:RU"),
    ("North Korean state media", "kcna", "state_media", "state:KP"),
    ("Russian intelligence", None, "intelligence_service", "state:RU"),
    ("Russian diplomats", None, "anonymous_officials", "state:RU"),
    ("Ukrainian economists", None, "expert", ""),
    ("a Telegram channel close to the Russian military", None, "social_media_account", "state:RU"),
    ("@kestria_watch", None, "social_media_account", ""),
    ("Reuters", "reuters", "wire_agency", ""),
    ("TASS", "tass", "state_media", "state:RU"),
    # --- the sample corpus (fictional) ---
    ("the Valdorian general staff", "valdoria-military", "military", "state:valdoria"),
    ("The Ministry of Defence of Valdoria", "valdoria-military", "military", "state:valdoria"),
    ("Defence Minister Ilona Varga", "ilona-varga", "named_official", "state:kestria"),
    ("Minister Varga", "ilona-varga", "named_official", "state:kestria"),
    ("Foreign Minister Daniel Ardel", "daniel-ardel", "named_official", "state:kestria"),
    ("Finance Minister Oskar Lind", "oskar-lind", "named_official", "state:kestria"),
    ("The Ministry of Foreign Affairs of Kestria", "kestria-mfa", "government", "state:kestria"),
    ("Kestria", "kestria-government", "government", "state:kestria"),
    ("Kestrian officials", "kestria-government", "government", "state:kestria"),
    ("Dr. Mira Okafor, a senior fellow at the Harlow Institute", "mira-okafor", "expert", "org:harlow-institute"),
    ("Dr. Paul Renner, an economist at the Harlow Institute", "paul-renner", "expert", "org:harlow-institute"),
    ("Harbour master Tomas Brel", "tomas-brel", "named_official", ""),
    ("the harbour master", "tomas-brel", "named_official", ""),
    ("The governor of the National Bank of Kestria, Helena Marsh", "helena-marsh", "named_official", "org:national-bank-kestria"),
    ("General Anton Dravik, the chief of the Valdorian general staff", "anton-dravik", "named_official", "state:valdoria"),
    ("President Valen", "grigor-valen", "named_official", "state:valdoria"),
    ("The ambassador of Ostrane, Rada Kessel", "rada-kessel", "named_official", "state:ostrane"),
    ("The government of Ostrane", "ostrane-government", "government", "state:ostrane"),
    ("the regional health agency", "lissen-health-agency", "government", "org:lissen-health-agency"),
    ("VSNA", "vsna", "state_media", "state:valdoria"),
    ("Valdoria's state media", "vsna", "state_media", "state:valdoria"),
    ("Meridian Wire", "meridian-wire", "wire_agency", ""),
    ("Valdorian State News Agncy", "vsna", "state_media", "state:valdoria"),  # fuzzy: a typo
    # --- unregistered: typed from their words, inheriting what they name ---
    ("Two Western defence officials, who spoke on condition of anonymity", None, "anonymous_officials", "bloc:west"),
    ("A palace insider", None, "anonymous_source", ""),
    ("The source, who asked not to be named", None, "anonymous_source", ""),
    ("The governor of the National Bank of Kestria, Anna Brandt", None, "named_official", "org:national-bank-kestria"),
    ("Dr. Anna Fischer, an economist at the Harlow Institute", None, "expert", "org:harlow-institute"),
    ("General Ivan Horvat, the chief of the Valdorian general staff", None, "named_official", "state:valdoria"),
    ("Valdorian state television", None, "state_media", "state:valdoria"),
    ("the city's fire chief", None, "named_official", ""),
    ("the national statistics office", None, "government", ""),
    ("Satellite images", None, "unknown", ""),
]


@pytest.fixture(scope="module")
def registry_only(settings):
    """The shipped configuration without any imported ratings the user may have generated."""
    return dataclasses.replace(settings, outlet_ratings={})


@pytest.fixture(scope="module")
def resolver(registry_only):
    return sources.SourceResolver(registry_only)


def test_table_is_large_enough():
    """The acceptance bar: at least 40 mentions, every seed-article source among them."""
    assert len(MENTIONS) >= 40 and len({m[0] for m in MENTIONS}) == len(MENTIONS)


@pytest.mark.parametrize(("mention", "source_id", "source_type", "affiliation"), MENTIONS, ids=[m[0] for m in MENTIONS])
def test_mention_resolves(mention, source_id, source_type, affiliation, resolver):
    """Each mention resolves to the expected source, type and affiliation, with a named rule."""
    result = resolver.resolve(mention)
    if source_id is None:
        assert result.source_id.startswith("unregistered:") and result.resolution_method == "category", result
        assert "category default" in result.prior_rule
    else:
        assert result.source_id == source_id, result
        assert "registry prior" in result.prior_rule
    assert result.source_type == source_type, result
    assert result.source_affiliation.split(";")[0] == affiliation if affiliation else result.source_affiliation == "", result
    assert 0.0 <= result.source_prior <= 1.0 and 0.0 < result.confidence <= 1.0


@pytest.mark.parametrize(
    ("mention", "role", "organisation", "inherits_prior_from"),
    [
        ("Ukraine’s top general, Oleksandr Syrskyi", "general", "ukraine-military", "Armed Forces of Ukraine"),
        ("Russian Chief of Staff Valery Gerasimov", "chief of staff", "russia-military", "Russian armed forces"),
        ("North Korean leader Kim Jong Un", "leader", "north-korea-government", "Government of North Korea"),
        ("Gerasimov", "chief of the general staff", "russia-military", "Russian armed forces"),
    ],
)
def test_person_has_role_and_inherits_from_organisation(mention, role, organisation, inherits_prior_from, resolver, registry_only):
    """A registered person carries a role (the mention's, else the registry's) and their body's prior."""
    result = resolver.resolve(mention)
    entry = {e.id: e for e in registry_only.registry.sources}[organisation]
    assert (result.source_role, result.source_organisation) == (role, organisation)
    assert result.source_prior == entry.prior and inherits_prior_from in result.prior_rule and "the organisation of" in result.prior_rule
    assert result.source_country == entry.country


@pytest.mark.parametrize(
    ("mention", "method", "confidence"),
    [
        ("KCNA", "alias", 1.0),
        ("Colonel Anton Dravik", "alias-without-title", 0.95),
        ("kcna dispatch", "pattern", 0.9),
        ("Ukraine’s top general, Oleksandr Syrskyi", "contains-alias", 0.85),
        ("Moscow's army", "country-kind", 0.8),
        ("Valdorian State News Agncy", "fuzzy", None),
        ("Western officials", "category", 0.5),
        ("Satellite images", "category", 0.3),
    ],
)
def test_resolution_records_method_and_confidence(mention, method, confidence, resolver):
    """Each resolution says which rule matched and how sure it is."""
    result = resolver.resolve(mention)
    assert result.resolution_method.split(" ")[0] == method
    if confidence is not None:
        assert result.confidence == confidence


def test_category_prior_comes_from_scoring_config(resolver, settings):
    """An unregistered category takes its configured prior and the rule says which one."""
    insider = resolver.resolve("a palace insider")
    assert insider.source_prior == settings.scoring.category_priors["anonymous_source"]
    assert insider.prior_rule == "category default for anonymous source (unregistered source)"


def test_party_to_a_conflict_gets_the_party_prior(resolver, settings):
    """State media of a state that is an interested party takes the lower 'party' prior."""
    result = resolver.resolve("Valdorian state television")
    assert result.source_prior == settings.scoring.category_priors["state_media_party"]
    assert "party to tarvel-conflict" in result.prior_rule and "Government of Valdoria" in result.prior_rule
    assert result.source_interested_in == "tarvel-conflict"


def test_fuzzy_threshold_is_configurable(registry_only):
    """Above the threshold a typo matches; with the threshold at 100 it does not."""
    strict = dataclasses.replace(registry_only, scoring=registry_only.scoring.model_copy(update={"fuzzy_threshold": 100.0}))
    assert sources.SourceResolver(registry_only).resolve("Valdorian State News Agncy").source_id == "vsna"
    assert sources.SourceResolver(strict).resolve("Valdorian State News Agncy").source_id.startswith("unregistered:")


def test_results_are_cached_by_normalised_mention(resolver):
    """Mentions that normalise alike share one cached resolution."""
    assert resolver.resolve("The Valdorian general staff") is resolver.resolve("  the valdorian general staff,")


@pytest.mark.parametrize(
    ("outlet", "url", "source_id"),
    [
        ("The Daily Blaze", "", "daily-blaze"),
        ("Some Blog", "https://www.dailyblaze.example/a", "daily-blaze"),
        ("reuters.com", "", "reuters"),
        ("Yonhap English", "https://en.yna.co.kr/view/1", "yonhap"),
    ],
)
def test_outlet_resolves_by_name_or_domain(outlet, url, source_id, resolver):
    """The publishing outlet resolves from its host or registrable domain first, then its name."""
    assert resolver.resolve_outlet(outlet, url).source_id == source_id


def test_unknown_outlet_gets_the_outlet_category(resolver, settings):
    """An outlet not in the registry gets an outlet category from its name and says so."""
    online = resolver.resolve_outlet("Nowhere Online", "https://nowhere.example/x")
    assert online.source_type == "digital_outlet" and "unregistered outlet" in online.prior_rule
    assert online.source_prior == settings.scoring.category_priors["digital_outlet"]
    assert resolver.resolve_outlet("Nowhere Gazette", "https://gazette.example/x").source_type == "newspaper"


def test_heads_keep_containment_honest():
    """Mention heads ignore words inside 'of/at' phrases and possessives."""
    assert sources.mention_heads("the governor of the national bank of kestria, helena marsh") == {"governor", "marsh"}
    assert sources.mention_heads("ukraine's top general, oleksandr syrskyi") == {"general", "syrskyi"}


def claims_frame(rows):
    columns = ["claim_id", "article_id", "attribution", "source_text", "sentence_index", "source_start"]
    return pd.DataFrame(rows, columns=columns)


def test_short_mentions_link_to_a_longer_mention_of_the_same_article(registry_only):
    """'Fischer' and 'the general staff' take the resolution of the article's fuller mention."""
    claims = claims_frame([
        ("c1", "a", "source", "Dr. Anna Fischer, an economist at the Harlow Institute", 0, 0),
        ("c2", "a", "source", "Fischer", 2, 0),
        ("c3", "a", "source", "the company", 3, 0),
        ("c4", "b", "source", "Fischer", 0, 0),
        ("c5", "a", "source", "the general staff", 4, 0),
        ("c6", "a", "source", "General Ivan Horvat, the chief of the Valdorian general staff", 5, 0),
        ("c8", "a", "source", "the Ostrane general staff", 6, 0),
        ("c7", "a", "outlet", "Harlow Institute", -1, -1),
    ])
    articles = pd.DataFrame({"article_id": ["a", "b"], "url": ["https://harlowinstitute.example/x", ""], "outlet": ["Harlow Institute", "Elsewhere"]})
    resolved = sources.resolve_claim_sources(claims, articles, registry_only).set_index("claim_id")
    assert resolved.loc["c2", "source_id"] == resolved.loc["c1", "source_id"]
    assert resolved.loc["c2", "resolution_method"] == "article-coreference"
    assert resolved.loc["c4", "source_id"] == "unregistered:fischer"  # another article: not linked
    assert resolved.loc["c3", "resolution_method"] == "category"  # one generic word: not linked
    # A fuller mention whose head is the short one's (not a person's appositive, c6) is linked.
    assert resolved.loc["c5", "source_id"] == resolved.loc["c8", "source_id"] == "unregistered:ostrane-general-staff"
    assert resolved.loc["c5", "source_affiliation"] == "state:ostrane"
    assert resolved.loc["c7", "source_id"] == "harlow-institute"
    for column in sources.EXTRA_SOURCE_COLUMNS:
        assert column in resolved.columns


def test_empty_claims_get_the_columns(registry_only):
    """A run without claims still gets every source column."""
    empty = claims_frame([])
    resolved = sources.resolve_claim_sources(empty, pd.DataFrame(columns=["article_id", "url", "outlet"]), registry_only)
    assert {"source_id", "prior_rule", "resolution_confidence", "source_role"} <= set(resolved.columns) and resolved.empty


def test_resolving_100000_mentions_is_fast(registry_only):
    """100,000 mentions (10,000 distinct, Zipf-like repeats) resolve well under 10 seconds."""
    measured = sources.benchmark_resolution(registry_only, mentions=100_000, distinct=10_000)
    assert measured["mentions"] == 100_000 and measured["seconds"] < 10.0, measured


def write_registry(tmp_path, text):
    folder = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, folder, ignore=shutil.ignore_patterns("outlet_ratings.csv"))
    (folder / "sources.yaml").write_text(text)
    return folder


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ("  - {id: a, name: A, type: expert, organisation: nobody}\n", "organisation 'nobody'"),
        ("  - {id: a, name: A, type: expert, aliases: [X]}\n  - {id: b, name: B, type: expert, aliases: [x]}\n", "alias 'x' of source 'b'"),
        ("  - {id: a, name: A, type: expert, patterns: ['(unclosed']}\n", "not a valid regular expression"),
        ("  - {id: a, name: A, type: expert, domains: ['https://a.com/x']}\n", "lower-case host name"),
        ("  - {id: a, name: A, type: pundit}\n", "(id 'a') field type"),
        ("  - {id: a, name: A, type: expert, organisation: b}\n  - {id: b, name: B, type: expert, organisation: a}\n", "cycle"),
    ],
)
def test_bad_registry_names_the_entry_and_field(tmp_path, entries, message):
    """A bad registry fails with the file, the entry and what is wrong."""
    folder = write_registry(tmp_path, "sources:\n" + entries)
    with pytest.raises(config.ConfigError) as error:
        config.load_config(folder)
    assert "sources.yaml" in str(error.value) and message in str(error.value)


def test_registered_person_without_prior_takes_the_category_default(tmp_path):
    """No prior and no organisation: the category default of the entry's type, and the rule says so."""
    folder = write_registry(tmp_path, "sources:\n  - {id: a, name: Ann Example, type: expert}\n")
    settings = config.load_config(folder)
    result = sources.SourceResolver(settings).resolve("Ann Example")
    assert result.source_prior == settings.scoring.category_priors["expert"]
    assert result.prior_rule == "category default for expert (registered source without a prior)"
