from matchruns.explanation import Reason, reasons_for, render_reason

INSTANCE = {
    "programs": [
        {"id": "P", "capacity": 1, "ranking": ["B", "A"]},
        {"id": "Q", "capacity": 1, "ranking": ["A", "C"]},
        {"id": "R", "capacity": 1, "ranking": []},
    ],
    "applicants": [
        {"id": "A", "ranking": ["R", "P", "Q"]},
        {"id": "B", "ranking": ["P"]},
        {"id": "C", "ranking": []},
        {"id": "D", "ranking": []},
    ],
    "couples": [{"id": "C1", "members": ["C", "D"], "ranking": [["Q", "R"], ["Q", None]]}],
}
RESULT = {
    "assignments": {"A": "Q", "B": "P", "C": None, "D": None},
    "final_capacity": {"P": 1, "Q": 1, "R": 1},
}


def test_each_program_ranked_above_the_result_gets_a_reason():
    assert reasons_for(INSTANCE, RESULT, "A") == [
        Reason("not_ranked", "R"),
        Reason("filled", "P", your_rank=2, last_rank=1, capacity=1),
    ]


def test_a_matched_first_choice_needs_no_reason():
    assert reasons_for(INSTANCE, RESULT, "B") == []


def test_a_couple_member_learns_when_the_partners_half_failed():
    reasons = reasons_for(INSTANCE, RESULT, "D")
    assert reasons[0] == Reason("not_ranked", "R", "Q")
    assert reasons[1] == Reason("partner", "", "Q")


def test_sentences_show_own_rank_and_last_matched_rank_only():
    sentence = render_reason(Reason("filled", "P", your_rank=7, last_rank=4, capacity=3), "FM")
    assert sentence == (
        "FM filled its 3 positions with applicants it ranked higher: its last match was "
        "ranked 4, you were ranked 7."
    )
    assert render_reason(Reason("not_ranked", "R"), "IM") == "IM did not rank you."
