"""What a visit did while the library system could not be reached, said once for the goodbye
screen, the receipt screen and the receipt (issue 18): how many items were recorded on the
kiosk for the library to be updated later, and which items could not be handled offline under
the offline policy (offline_policy.py), by title where the kiosk knows it.

Pure: reads a visit's lines, returns words' ingredients (message keys of notices.py and
titles). Must never hold a card number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.session import ItemLine, LineStatus

# The refusals the offline policy gives (offline_policy.Decision.reason).
POLICY_REFUSALS = frozenset(
    {
        "offline.no_checkouts",
        "offline.checkout_cap",
        "offline.no_renewals",
        "offline.out_of_service",
    }
)
KEPT = "offline.kept"  # the sentence for "recorded on this kiosk, the library updated later"
NOT_HANDLED = "offline.not_handled"  # "… could not be handled offline: %(titles)s"


@dataclass(frozen=True)
class OfflineOutcome:
    kept: int = 0  # items recorded on the kiosk, to be sent to the library system later
    not_handled: tuple[str, ...] = ()  # titles (or barcodes) the offline policy refused

    def __bool__(self) -> bool:
        return bool(self.kept or self.not_handled)


def offline_outcome(lines: Iterable[ItemLine]) -> OfflineOutcome:
    kept, refused = 0, []
    for line in lines:
        if line.offline and line.status is not LineStatus.REFUSED:
            kept += 1
        elif line.notice is not None and line.notice.key in POLICY_REFUSALS:
            refused.append(line.title or line.item_id)
    return OfflineOutcome(kept, tuple(dict.fromkeys(refused)))


def outcome_sentences(outcome: OfflineOutcome, translate: Callable[[str], str]) -> list[str]:
    """The outcome as whole sentences in the patron's language (``translate`` is gettext):
    the same words on the screen and on the receipt."""
    sentences = []
    if outcome.kept:
        sentences.append(translate(Notice(KEPT).text))
    if outcome.not_handled:
        titles = "; ".join(outcome.not_handled)
        sentences.append(translate(Notice(NOT_HANDLED).text) % {"titles": titles})
    return sentences
