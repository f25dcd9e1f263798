"""`make_word_counts`: the table the stemmer consults is normalized word counts, without words seen once."""
import json

from analyzers import make_word_counts


def test_counts_are_of_normalized_words_and_words_seen_once_are_left_out(tmp_path, capsys):
    corpus = tmp_path / "news.jsonl"
    articles = [
        {"title": "الوزير", "text": "قال الوزير إن الحكومة"},  # the minister said that the government
        {"title": "", "text": "أن الحكومة الحكومه مدرسة"},  # that the government (once typed with ه), a school
    ]
    corpus.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles), encoding="utf-8")
    make_word_counts.main([str(corpus)])
    rows = dict(line.split("\t") for line in capsys.readouterr().out.splitlines() if not line.startswith("#"))
    # إن and أن are both ان; قال, الحكومه and مدرسة are seen once
    assert rows == {"الحكومة": "2", "الوزير": "2", "ان": "2"}
