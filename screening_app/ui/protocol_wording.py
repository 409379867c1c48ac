"""What the services word in English for lists (a choice, why an interview was not
completed, a flag's title), shown in the interface's language.

The choices, the reasons and the protocol's own flags are the protocol's trilingual
labels: their English is looked up in the protocol and its Korean or Chinese shown. The
titles of the flags the review raises itself come already in the interface's language (the
message catalogue's, domain/review_flags.py). In English every text is shown as the
services give it.
"""

from PySide6.QtCore import QCoreApplication

from screening_app.protocol import Protocol
from screening_app.services.protocol_labels import NOT_COMPLETED_LABEL
from screening_app.ui.language import ENGLISH, interface_language

translate = QCoreApplication.translate

class ProtocolWording:
    def __init__(self, protocol: Protocol, language: str | None = None):
        self.language = language or interface_language()
        self._by_english: dict[str, str] = {}
        labels = [option.label for question in protocol.questions() for option in
                  question.options]
        labels += [reason.label for reason in protocol.non_completion_reasons]
        labels += [flag.label for flag in protocol.flag_kinds]
        for label in labels:
            self._by_english.setdefault(label.en, label.get(self.language))

    def label(self, english: str) -> str:
        """A choice or a reason as the services word it: "Accept repatriation", or
        "Not completed: <reason>"."""
        if self.language == ENGLISH or not english:
            return english
        if english in self._by_english:
            return self._by_english[english]
        prefix = f"{NOT_COMPLETED_LABEL}: "
        if english.startswith(prefix):
            return translate("ProtocolWording", "Not completed: {reason}").format(
                reason=self.label(english[len(prefix):]))
        if english == NOT_COMPLETED_LABEL:
            return translate("ProtocolWording", "Not completed")
        return english

    def flag_title(self, flag) -> str:
        """A flag's title: the review's own come in the message language already (the
        interface's); a protocol's label, given in English, in the protocol's words."""
        if self.language == ENGLISH:
            return flag.shown_title
        return self.label(flag.shown_title)
