from bot.provinces import BY_CODE, PROVINCES, name_of


def test_all_77_provinces_with_unique_codes_and_names() -> None:
    assert len(PROVINCES) == 77
    assert len(BY_CODE) == 77
    assert len({p.name_th for p in PROVINCES}) == 77
    assert len({p.name_en for p in PROVINCES}) == 77
    assert all(p.code.isdigit() and len(p.code) == 2 for p in PROVINCES)
    assert name_of("50", "th") == "เชียงใหม่" and name_of("50", "en") == "Chiang Mai"
    assert name_of("10", "en") == "Bangkok"
