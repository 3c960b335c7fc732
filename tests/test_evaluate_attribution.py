"""`credence evaluate attribution`: span trimming, one-to-one matching, PolNeAR's conventions, the command."""

from __future__ import annotations

import json

import pytest

from credence import claims, cli
from credence.evaluation import attribution as ev
from tests.conftest import shared_file

TEXT = "The mayor said that the bridge would reopen in March. “It is safe,” she added."


def role(text: str, *pieces: str) -> ev.Role:
    """A role from the pieces of text it covers (each piece found once in ``text``)."""
    ranges = []
    for piece in pieces:
        start = text.index(piece)
        ranges.append((start, start + len(piece)))
    made = ev.make_role(text, ranges)
    assert made is not None
    return made


def attribution(text: str, source: str | None, cue: str, content: str) -> ev.Attribution:
    return ev.Attribution(role(text, source) if source else None, role(text, cue), role(text, content))


def scores(gold, predicted) -> dict:  # type: ignore[no-untyped-def]
    totals = ev.new_totals()
    ev.score_article(gold, predicted, totals)
    return ev.summarise(totals, {"extractor_words_per_s": 0.0, "spacy_words_per_s": 0.0})


def test_trim_drops_spaces_punctuation_and_quote_marks():
    """Exact boundaries are compared after trimming both sides of each fragment."""
    text = ' “It is safe,” she'
    assert text[slice(*ev.trim(text, 0, len(text) - 4))] == "It is safe"
    assert ev.trim(text, 0, 2) is None


def test_a_role_of_punctuation_only_keeps_its_mark():
    """A headline's colon cue survives trimming, so it can be matched."""
    text = "Harbour board head: tolls will rise"
    colon = ev.make_role(text, [(18, 19)])
    assert colon is not None and colon.fragments == ((18, 19),) and colon.words


def test_exact_and_overlap_scores_per_role():
    """An extra 'that' fails the exact content match but passes by overlap."""
    gold = [attribution(TEXT, "The mayor", "said", "that the bridge would reopen in March")]
    predicted = [attribution(TEXT, "The mayor", "said", "the bridge would reopen in March")]
    result = scores(gold, predicted)
    assert result["exact"]["source"]["f1"] == 1.0 and result["exact"]["cue"]["f1"] == 1.0
    assert result["exact"]["content"]["f1"] == 0.0
    assert result["overlap"]["content"]["f1"] == 1.0
    assert result["attribution"]["f1"] == 1.0


def test_matching_is_one_to_one():
    """Two predictions overlapping one gold span count one true positive, not two."""
    gold = [attribution(TEXT, "The mayor", "said", "the bridge would reopen in March")]
    predicted = [
        attribution(TEXT, "The mayor", "said", "the bridge would reopen in March"),
        attribution(TEXT, "she", "added", "the bridge would reopen"),
    ]
    result = scores(gold, predicted)
    assert result["counts"]["overlap/content"] == {"gold": 1, "predicted": 2, "matched": 1}
    assert result["attribution"]["precision"] == 0.5 and result["attribution"]["recall"] == 1.0


def test_attribution_level_needs_all_three_roles():
    """A right cue and content with the wrong source is no attribution-level match; two absent sources are."""
    gold = [attribution(TEXT, "she", "added", "It is safe")]
    assert scores(gold, [attribution(TEXT, "The mayor", "added", "It is safe")])["attribution"]["f1"] == 0.0
    assert scores([attribution(TEXT, None, "added", "It is safe")], [attribution(TEXT, None, "added", "It is safe")])["attribution"]["f1"] == 1.0


def test_polnear_view_follows_the_annotation_conventions(english, settings):
    """'that' joins the content, the outer of nested attributions is kept, a document is the source."""
    text = (
        "According to a report by the agency Norpress, the general staff stated that its units had repelled three attacks. "
        "The mayor said that the bridge would reopen in March."
    )
    found = claims.find_attributions(english(text), article_id="a", outlet="Outlet", cues=claims.cue_table(settings.cues))
    view = ev.polnear_view(text, found)
    spans = sorted(
        (text[slice(*a.source.fragments[0])], text[slice(*a.cue.fragments[0])], text[slice(*a.content.fragments[0])]) for a in view
    )
    assert spans == [
        ("The mayor", "said", "that the bridge would reopen in March"),
        ("a report by the agency Norpress", "According to", "the general staff stated that its units had repelled three attacks"),
    ]


def _write_articles(path, articles: list[dict]) -> None:  # type: ignore[no-untyped-def]
    path.write_text("".join(json.dumps(article) + "\n" for article in articles), encoding="utf-8")


def _span(text: str, piece: str) -> dict:
    start = text.index(piece)
    return {"text": piece, "start": start, "end": start + len(piece), "spans": [[start, start + len(piece)]]}


def test_command_writes_the_documented_json(tmp_path, capsys):
    """The command prints the table and writes every figure in the documented shape."""
    text = "The mayor said that the bridge would reopen in March.\n\nPrices will rise, the central bank warned on Monday.\n"
    article = {
        "id": "a1",
        "publisher": "test",
        "text": text,
        "attributions": [
            {"id": "E1", "type": "Attribution", "source": _span(text, "The mayor"), "cue": _span(text, "said"), "content": _span(text, "that the bridge would reopen in March")},
            {"id": "E2", "type": "Attribution", "source": _span(text, "the central bank"), "cue": _span(text, "warned"), "content": _span(text, "Prices will rise")},
        ],
    }
    data, out = tmp_path / "tiny.jsonl", tmp_path / "out" / "attribution.json"
    _write_articles(data, [article])
    assert cli.main(["evaluate", "attribution", "--data", str(data), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| exact | source |" in printed and "Throughput" in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    for kind in ("exact", "overlap"):
        for role_name in ("source", "cue", "content"):
            assert set(result[kind][role_name]) == {"precision", "recall", "f1"}
            assert all(0.0 <= value <= 1.0 for value in result[kind][role_name].values())
    assert set(result["attribution"]) == {"precision", "recall", "f1"}
    assert result["overlap"]["cue"]["f1"] == 1.0 and result["attribution"]["f1"] == 1.0
    assert result["throughput"]["extractor_words_per_s"] > 0 and result["throughput"]["spacy_words_per_s"] > 0


def test_command_refuses_a_missing_or_malformed_file(tmp_path, capsys):
    """A missing file or a line that is not a PolNeAR article is a readable error, exit code 2."""
    assert cli.main(["evaluate", "attribution", "--data", str(tmp_path / "absent.jsonl")]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    assert cli.main(["evaluate", "attribution", "--data", str(bad)]) == 2
    assert "line 1" in capsys.readouterr().err


@pytest.mark.shared_data
def test_command_on_a_few_polnear_articles(tmp_path):
    """On three PolNeAR dev articles the command runs and finds most attribution cues."""
    dev = shared_file("data/polnear/dev.jsonl")
    out = tmp_path / "dev3.json"
    assert cli.main(["evaluate", "attribution", "--data", str(dev), "--limit", "3", "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["data"]["articles"] == 3
    assert result["overlap"]["cue"]["precision"] > 0.5 and result["overlap"]["cue"]["recall"] > 0.3
