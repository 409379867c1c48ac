"""The printed form's own wording: every label in English and in each language a form may
be printed in, so that adding a language for the person interviewed fails here until the
form can speak it."""

import re

from screening_app.records.form_text import ENGLISH, FORM_LANGUAGES, LABELS


def test_every_label_is_in_every_language_of_the_form():
    missing = [(key, language) for key, texts in LABELS.items()
               for language in (ENGLISH, *FORM_LANGUAGES) if not texts.get(language)]
    assert missing == []


def test_every_translation_keeps_the_placeholders_of_the_english():
    def placeholders(text: str) -> set[str]:
        return set(re.findall(r"\{[a-z_]+\}", text))
    differing = [(key, language) for key, texts in LABELS.items()
                 for language, text in texts.items()
                 if placeholders(text) != placeholders(texts[ENGLISH])]
    assert differing == []
