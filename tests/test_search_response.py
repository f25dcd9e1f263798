"""The response's publication times: RFC 3339 in UTC, whichever engine's stored form they come from."""
from datetime import datetime, timedelta, timezone

from indexer.query.response import summary, utc_timestamp


def test_a_naive_utc_datetime_and_its_iso_text_give_the_same_timestamp():
    moment = datetime(2018, 10, 19, 14, 57, 31)
    assert utc_timestamp(moment) == utc_timestamp("2018-10-19T14:57:31") == "2018-10-19T14:57:31Z"


def test_an_offset_is_converted_to_utc_and_no_date_stays_null():
    beirut = datetime(2018, 10, 19, 17, 57, 31, tzinfo=timezone(timedelta(hours=3)))
    assert utc_timestamp(beirut) == "2018-10-19T14:57:31Z"
    assert utc_timestamp(None) is None and utc_timestamp("") is None
    assert summary({"id": "a"})["published"] is None
