"""Every safety route's first reply, with the longest numbers we know, is under 12 s as real speech."""

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.content.safety_phrases import ROUTE_IDS, ROUTE_REPLY_SECONDS
from voice_helper.dialogue.manager import CrisisContacts
from voice_helper.dialogue.safety_replies import route_reply

CONTENT = load_content(DEFAULT_CONTENT_DIR)


@pytest.mark.parametrize("route_id", ROUTE_IDS)
@pytest.mark.parametrize("country", sorted(CONTENT.countries))
def test_the_first_reply_is_under_twelve_seconds(synth, tmp_path, route_id, country):
    contacts = CrisisContacts.for_country(CONTENT.countries[country], None, None)
    text = route_reply(CONTENT, route_id, contacts)
    clip = synth.synthesize(text, tmp_path / f"{route_id}-{country}.wav")
    assert 2.0 < clip.duration_s < ROUTE_REPLY_SECONDS, text
