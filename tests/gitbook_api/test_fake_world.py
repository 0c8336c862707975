"""The fake's seeded world and its building blocks, without HTTP."""

import time

import pytest

from gitbook_api.fake import FakeConfig, FakeGitBook
from gitbook_api.fake.config import parse_rate_limit
from gitbook_api.fake.validation import is_emoji


@pytest.mark.parametrize(
    "emoji", ["🎉", "1f389", "👩‍💻", "🇫🇷", "🛠️", "1️⃣", "👍🏽", "1f468-200d-1f4bb"]
)
def test_an_emoji_is_one_emoji_character_or_codepoint(emoji):
    assert is_emoji(emoji)


@pytest.mark.parametrize("text", ["party", "", ":tada:", "🎉🎉", "a🎉", "zz"])
def test_plain_text_is_not_an_emoji(text):
    assert not is_emoji(text)


def test_ten_thousand_spaces_start_in_a_couple_of_seconds():
    started = time.perf_counter()
    fake = FakeGitBook(FakeConfig(spaces=10_000))
    assert time.perf_counter() - started < 3
    live = [s for s in fake.world.spaces.values() if s.org_id == fake.org_id and not s.deleted_at]
    assert len(live) == 10_000
    assert len(fake.world.content._cache) < 100, "links are made when read, not up front"


def test_collections_nest_three_deep_at_most():
    fake = FakeGitBook(FakeConfig(spaces=600))
    collections = fake.world.collections

    def depth(collection_id):
        parent = collections[collection_id].parent_id
        return 1 + (depth(parent) if parent else 0)

    depths = {depth(c) for c in collections}
    assert max(depths) == 3


def test_the_same_seed_makes_the_same_world_and_another_seed_another():
    def titles(seed):
        fake = FakeGitBook(FakeConfig(seed=seed, spaces=30))
        return fake.org_id, sorted((s.id, s.title) for s in fake.world.spaces.values())

    assert titles(4) == titles(4) != titles(5)


@pytest.mark.parametrize(
    ("text", "limit", "window"), [("100/60", 100, 60.0), (" 5 / 1.5 ", 5, 1.5)]
)
def test_a_rate_limit_reads_as_requests_per_seconds(text, limit, window):
    rate = parse_rate_limit(text)
    assert (rate.limit, rate.window_seconds) == (limit, window)


@pytest.mark.parametrize("bad", ["fast", "0/60", "10/0", "10"])
def test_a_malformed_rate_limit_is_refused(bad):
    with pytest.raises(ValueError, match="N/SECONDS"):
        parse_rate_limit(bad)


def test_a_config_refuses_values_out_of_range():
    with pytest.raises(ValueError):
        FakeConfig(api_version="0.999")
    with pytest.raises(ValueError):
        FakeConfig(fault_rate=1.5)
    with pytest.raises(ValueError):
        FakeConfig(fault_kinds=("meteor",))
