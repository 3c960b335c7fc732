"""Source resolution: mention in, canonical source, type, affiliation and prior rule out."""

from __future__ import annotations

import pytest

from credence import sources

# (mention, expected source id or None for unregistered, expected type, affiliation substring)
MENTIONS = [
    ("KCNA", "kcna", "state_media", "state:KP"),
    ("state-run news agency KCNA", "kcna", "state_media", "state:KP"),
    ("Pyongyang’s military", "north-korea-military", "military", "state:KP"),
    ("North Korean authorities", "north-korea-government", "government", "state:KP"),
    ("Russian Chief of Staff Valery Gerasimov", "russia-military", "military", "state:RU"),
    ("Ukraine’s top general, Oleksandr Syrskyi", "ukraine-military", "military", "state:UA"),
    ("Ukraine", "ukraine-government", "government", "state:UA"),
    ("Moscow", "russia-government", "government", "state:RU"),
    ("The United States", "united-states-government", "government", "state:US"),
    ("South Korean and Western intelligence", "south-korea-intelligence", "intelligence_service", "state:KR"),
    ("the Valdorian general staff", "valdoria-military", "military", "state:valdoria"),
    ("Defence Minister Ilona Varga", "ilona-varga", "named_official", "state:kestria"),
    ("Minister Varga", "ilona-varga", "named_official", "state:kestria"),
    ("The Ministry of Foreign Affairs of Kestria", "kestria-mfa", "government", "state:kestria"),
    ("Dr. Mira Okafor, a senior fellow at the Harlow Institute", "mira-okafor", "expert", "org:harlow-institute"),
    ("Harbour master Tomas Brel", "tomas-brel", "named_official", ""),
    ("VSNA", "vsna", "state_media", "state:valdoria"),
    ("Meridian Wire", "meridian-wire", "wire_agency", ""),
    ("Valdorian State News Agncy", "vsna", "state_media", "state:valdoria"),  # fuzzy: a typo
    ("Western officials", None, "anonymous_officials", "bloc:west"),
    ("military experts", None, "expert", ""),
    ("A palace insider", None, "anonymous_source", ""),
    ("The source, who asked not to be named", None, "anonymous_source", ""),
    ("The governor of the National Bank of Kestria, Helena Marsh", None, "named_official", "state:kestria"),
    ("Dr. Paul Renner, an economist at the Harlow Institute", None, "expert", "org:harlow-institute"),
    ("General Anton Dravik, the chief of the Valdorian general staff", None, "named_official", "state:valdoria"),
    ("Valdoria's state media", None, "unknown", "state:valdoria"),
    ("the national statistics office", None, "unknown", ""),
]


@pytest.fixture(scope="module")
def resolver(settings):
    return sources.SourceResolver(settings)


@pytest.mark.parametrize(("mention", "source_id", "source_type", "affiliation"), MENTIONS, ids=[m[0] for m in MENTIONS])
def test_mention_resolves(mention, source_id, source_type, affiliation, resolver):
    """Each mention resolves to the expected source, type and affiliation, with a named rule."""
    result = resolver.resolve(mention)
    if source_id is None:
        assert result.source_id.startswith("unregistered:") and result.resolution_method == "category"
        assert "category default" in result.prior_rule
    else:
        assert result.source_id == source_id, result
        assert "registry prior" in result.prior_rule
    assert result.source_type == source_type
    assert affiliation in result.source_affiliation
    assert 0.0 <= result.source_prior <= 1.0


def test_category_prior_comes_from_scoring_config(resolver, settings):
    """An unregistered category takes its configured prior."""
    assert resolver.resolve("a palace insider").source_prior == settings.scoring.category_priors["anonymous_source"]


@pytest.mark.parametrize(
    ("outlet", "url", "source_id"),
    [
        ("The Daily Blaze", "", "daily-blaze"),
        ("Some Blog", "https://www.dailyblaze.example/a", "daily-blaze"),
        ("reuters.com", "", "reuters"),
    ],
)
def test_outlet_resolves_by_name_or_domain(outlet, url, source_id, resolver):
    """The publishing outlet resolves from its domain first, then its name."""
    assert resolver.resolve_outlet(outlet, url).source_id == source_id


def test_unknown_outlet_gets_the_outlet_category(resolver, settings):
    """An outlet not in the registry gets the digital-outlet default and says so."""
    result = resolver.resolve_outlet("Nowhere Gazette Online", "https://nowhere.example/x")
    assert result.source_type == "digital_outlet" and "unregistered outlet" in result.prior_rule


def test_heads_keep_containment_honest():
    """Mention heads ignore words inside 'of/at' phrases."""
    assert sources.mention_heads("the governor of the national bank of kestria, helena marsh") == {"governor", "marsh"}
