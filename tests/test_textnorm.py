"""textnorm: folding (width, case, script, look-alikes), noise stripping, and the offset maps."""
from __future__ import annotations

import random

from reviewer import textnorm
from reviewer.textnorm import Normalized, fold, fold_stripped, normalize


def test_fold_width_case_script_lookalikes():
    assert fold("ＢＥＴ３６５") == "bet365"
    assert fold("賭場開戶") == "赌场开户"
    assert fold("Веt") == "bet"                       # Cyrillic В, е
    assert fold("⓿❶➁") == "012"
    assert fold("㈤⑴") == "五1"                      # expansions reduced to their single core char
    assert fold("政务公开，保密审查。") == "政务公开，保密审查。"   # simplified text and punctuation untouched


def test_fold_keeps_length_without_expansions():
    text = "平頂山市自然資源和規劃局，ＡＢＣ１２３"
    n = Normalized(text)
    assert len(n.text) == len(text)
    assert n.source_span(3, 9) == (3, 9)


def test_expansions_map_back_to_the_source_character():
    text = "ⅢﬁＡ赌场"
    n = Normalized(text)
    assert n.text == "iiifia赌场"
    assert [n.to_source(i) for i in range(len(n.text) + 1)] == [0, 0, 0, 1, 1, 2, 3, 4, 5]
    s = n.text.index("赌场")
    assert n.source_span(s, s + 2) == (3, 5)
    assert n.source_span(1, 4) == (0, 2)              # a span starting inside Ⅲ covers all of Ⅲ and ﬁ


def test_stripped_view_drops_noise_and_maps_back():
    text = "网上*赌场，赌 博，赌\u200b博，赌。博"
    n = normalize(text)
    st = n.stripped()
    assert st.text == "网上赌场赌博赌博赌博"
    i = st.text.index("赌场")
    assert st.folded_span(i, i + 2) == (3, 5)
    assert text[slice(*st.folded_span(4, 6))] == "赌 博"
    assert text[slice(*st.folded_span(6, 8))] == "赌\u200b博"


def test_fold_stripped_of_words():
    assert fold_stripped("网上 赌场") == "网上赌场"
    assert fold_stripped("北京赛车PK10") == "北京赛车pk10"


def test_stripped_mapping_is_exact_across_blocks():
    rng = random.Random(7)
    alphabet = "赌博六合彩政务公开，。、 *\u200b\nABCａｂ１2Ⅲ賭場"
    text = "".join(rng.choice(alphabet) for _ in range(3 * textnorm.Stripped.BLOCK + 123))
    n = Normalized(text)
    st = n.stripped()
    for i in range(len(st.text)):
        f = st.to_folded(i)
        assert n.text[f] == st.text[i]
        a, b = n.source_span(f, f + 1)
        assert st.text[i] in fold(text[a:b])


def test_astral_characters_take_the_full_classes():
    text = "𝐁𝐄𝐓365 赌🀄博"
    n = Normalized(text)
    assert n.text.startswith("bet365")
    assert n.stripped().text == "bet365赌博"


def test_normalize_is_shared_per_text():
    text = "同一份文稿" * 10
    assert normalize(text) is normalize(text)
