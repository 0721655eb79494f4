"""Reader pre-registration at the kiosk (issue 17): the applicant's details, the rules they must
pass, the port to the library system and the resend rule that never creates two records.

UI-free and I/O-free: no HTTP, SMTP, files or clocks here (``today`` and random sources are
passed in). The backends live in backend_sync/registration/, the factory in
kiosk/wiring/registration.py.
"""

from kiosk.core.registration.model import (
    Address,
    AnswerLost,
    Application,
    BackendUnavailable,
    Contact,
    Duplicate,
    ExistingRecord,
    Field,
    RegistrationError,
    Rejected,
    RemoteProtocolError,
    Submitted,
)
from kiosk.core.registration.port import RegistrationPort
from kiosk.core.registration.sending import (
    Queued,
    QueueState,
    Refused,
    RegistrationQueue,
    RegistrationRecorder,
    ResendReport,
    Sent,
    resend_pending,
    send_or_queue,
)
from kiosk.core.registration.service import new_idempotency_key, submit_once
from kiosk.core.registration.validation import (
    Problem,
    RefusalReason,
    Rules,
    age_on,
    check_application,
    parent_consent_required,
)

__all__ = [
    "Address",
    "AnswerLost",
    "Application",
    "BackendUnavailable",
    "Contact",
    "Duplicate",
    "ExistingRecord",
    "Field",
    "Problem",
    "QueueState",
    "Queued",
    "RefusalReason",
    "Refused",
    "RegistrationError",
    "RegistrationPort",
    "RegistrationQueue",
    "RegistrationRecorder",
    "Rejected",
    "RemoteProtocolError",
    "ResendReport",
    "Rules",
    "Sent",
    "Submitted",
    "age_on",
    "check_application",
    "new_idempotency_key",
    "parent_consent_required",
    "resend_pending",
    "send_or_queue",
    "submit_once",
]
