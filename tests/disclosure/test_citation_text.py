"""The clause read aloud for an obligation is the one the engine names, never a guess."""

from custodian.disclosure.services.engine import _citation_text
from custodian.policy import Engine

ENGINE = Engine(cache_size=0)


def test_reads_the_first_cited_clause_the_engine_names():
    decision = {
        "obligations": ["nondisclosure"],
        "citations": [{"clause": "II ¶2", "text": "two"}, {"clause": "c.n", "text": "gag"}],
        "obligation_clauses": {"nondisclosure": ["gone", "c.n", "II ¶2"]},
    }
    assert _citation_text(decision, "nondisclosure") == ("c.n", "gag")


def test_no_clause_named_means_no_clause_shown():
    cites = [{"clause": "5", "text": "Costs are borne by the requester."}]
    assert _citation_text({"citations": cites}, "requester_bears_costs") == ("", "")
    decision = {"citations": cites, "obligation_clauses": {"requester_bears_costs": []}}
    assert _citation_text(decision, "requester_bears_costs") == ("", "")
    decision = {"citations": cites, "obligation_clauses": {"other": ["5"]}}
    assert _citation_text(decision, "requester_bears_costs") == ("", "")


def test_a_profile_with_its_own_clause_numbers_is_read_from_its_own_rules():
    # Jensen numbers its clauses "Regulation 4": no table of seed clause ids would find it.
    decision = ENGINE.decide(
        {
            "profile": "jensen-memorial",
            "requester": {"kind": "patron"},
            "channel": "voicemail",
            "purpose": "overdue_recovery",
            "requested": ["overdue.status", "overdue.titles"],
        }
    )
    clause, text = _citation_text(decision, "no_titles_in_message")
    assert clause == "Regulation 4" and text
    westchester = ENGINE.decide(
        {
            "profile": "westchester",
            "requester": {"kind": "law_enforcement"},
            "channel": "in_person",
            "instrument": {"type": "subpoena", "signed_by": "clerk", "scope": ["loans.titles"]},
            "requested": ["loans.titles"],
        }
    )
    assert _citation_text(westchester, "requester_bears_costs")[0] == "5"
