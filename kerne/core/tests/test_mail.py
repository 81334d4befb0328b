"""kerne.core.mail against a real SMTP server (aiosmtpd): headers as received, pacing, retries, failures."""

from __future__ import annotations

import email.header
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kerne.core import mail
from kerne.core.mail import Outgoing, Status, deliver
from testing.fixtures import use_smtp
from testing.smtp import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[3]
LONG_SUBJECT = "Din vurdering af Søren Kierkegaard-Østergaards ledelse: Lederevaluering 2026 i Æbeltoft Kommune"


def _mails(n: int, domain: str = "aby.dk") -> list[Outgoing]:
    return [Outgoing(to=f"person{i}@{domain}", subject=f"Mail {i}", text=f"Hej {i}") for i in range(n)]


@pytest.fixture
def waits(monkeypatch):
    """The back-off and pacing waits, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(mail, "sleep", recorded.append)
    return recorded


# --- headers, as the server received them ------------------------------------------------------------


def test_headers_on_the_public_domain_with_reply_to_and_auto_submitted(smtp, settings):
    settings.KERNE_BASE_URL = "https://kerne.aby.dk"
    settings.KERNE_REPLY_TO = "HR <hr@aby.dk>"
    settings.DEFAULT_FROM_EMAIL = "Kerne <kerne@aby.dk>"
    delivery = deliver([Outgoing(to="eva@aby.dk", subject="Hej", text="Tekst", html="<p>Tekst</p>")])
    assert delivery.sent == ["eva@aby.dk"]
    [received] = smtp.messages
    message = received.message
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["Reply-To"] == "HR <hr@aby.dk>"
    assert message["From"] == "Kerne <kerne@aby.dk>"
    assert message["Message-ID"].endswith("@kerne.aby.dk>")
    assert received.helo == "kerne.aby.dk"  # EHLO with the public host name, not localhost
    assert received.mail_from == "kerne@aby.dk"
    assert received.text().strip() == "Tekst"
    assert received.html().strip() == "<p>Tekst</p>"


def test_ehlo_name_and_message_id_domain_can_be_set(smtp, settings):
    settings.KERNE_EMAIL_HELO_NAME = "mailout.aby.dk"
    settings.KERNE_MAIL_DOMAIN = "aby.dk"
    deliver([Outgoing(to="eva@aby.dk", subject="Hej", text="x", reply_to="leder@aby.dk")])
    [received] = smtp.messages
    assert received.helo == "mailout.aby.dk"
    assert received.message["Message-ID"].endswith("@aby.dk>")
    assert received.message["Reply-To"] == "leder@aby.dk"  # the mail's own Reply-To wins


@pytest.mark.parametrize(
    "subject",
    [
        LONG_SUBJECT,
        "Påmindelse: Din selvevaluering",
        "A" * 60 + " æ",
        "Reminder: Your view of the leadership of some person with a quite long name in the organisation",
    ],
)
def test_subjects_are_never_folded_onto_an_empty_first_line(smtp, subject):
    deliver([Outgoing(to="eva@aby.dk", subject=subject, text="x")])
    [received] = smtp.messages
    lines = received.header_lines("Subject")
    first = lines[0].decode()
    assert first.startswith("Subject: ")
    assert first[len("Subject: ") :].strip() != "", lines  # the bytes on the wire, not a parsed value
    assert all(len(line) <= 78 for line in lines), lines
    decoded = str(email.header.make_header(email.header.decode_header(b" ".join(lines).decode()[9:])))
    assert " ".join(decoded.split()) == subject
    assert received.subject == subject


def test_line_breaks_in_a_subject_become_spaces(smtp):
    deliver([Outgoing(to="eva@aby.dk", subject="Linje et\nlinje to", text="x")])
    assert smtp.messages[0].subject == "Linje et linje to"


# --- pacing and retries --------------------------------------------------------------------------------


def test_paced_in_groups_over_separate_connections(smtp, waits, settings):
    delivery = deliver(_mails(7), batch_size=3, pause=5)
    assert delivery.sent == [f"person{i}@aby.dk" for i in range(7)]
    assert len(smtp.helos) == 3  # three connections: 3 + 3 + 1
    assert waits == [5, 5]


def test_throttled_relay_is_retried_with_exponential_back_off(smtp, waits):
    smtp.behaviour.throttle_next = 3  # "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded" three times
    delivery = deliver(_mails(4), retries=4, retry_delay=1)
    assert delivery.all_sent
    assert [r.attempts for r in delivery.results] == [4, 1, 1, 1]
    assert waits == [1, 2, 4]
    assert len(smtp.messages) == 4


def test_a_relay_that_throttles_per_connection_gets_new_connections(smtp, waits):
    smtp.behaviour.per_connection = 3
    delivery = deliver(_mails(8), batch_size=0, retries=2, retry_delay=1)
    assert delivery.sent == [f"person{i}@aby.dk" for i in range(8)]
    assert smtp.throttled == 2
    assert waits == [1, 1]  # one back-off per throttled mail, each then sent on a fresh connection


def test_a_dropped_connection_is_retried(smtp, waits):
    smtp.behaviour.disconnect_next = 1
    delivery = deliver(_mails(2), retries=1, retry_delay=1)
    assert delivery.all_sent
    assert delivery.results[0].attempts == 2
    assert [m.to for m in smtp.messages] == ["person0@aby.dk", "person1@aby.dk"]


def test_a_relay_that_stays_busy_leaves_the_rest_pending(smtp, waits):
    smtp.behaviour.throttle_next = 100
    delivery = deliver(_mails(5), retries=2, retry_delay=1)
    assert delivery.sent == []
    assert [r.status for r in delivery.results] == [Status.PENDING] * 5
    assert [r.attempts for r in delivery.results] == [3, 0, 0, 0, 0]
    assert delivery.pending[0] == (
        "person0@aby.dk",
        "Mailserveren bad Kerne om at vente (for mange mails på én gang) (svar 432).",
    )
    assert waits == [1, 2]
    assert delivery.summary() == "0 e-mails blev sendt. 5 venter på at blive prøvet igen."


# --- failures, in Danish --------------------------------------------------------------------------------


def test_a_refused_address_fails_for_good_and_the_rest_go_on(smtp, waits):
    smtp.behaviour.refuse = {"person1@aby.dk"}
    delivery = deliver(_mails(3))
    assert delivery.sent == ["person0@aby.dk", "person2@aby.dk"]
    assert delivery.failed == [("person1@aby.dk", "Mailserveren afviste adressen (svar 550).")]
    assert delivery.result("PERSON1@aby.dk").attempts == 1
    assert waits == []  # a refusal is not retried
    assert delivery.summary() == "2 e-mails blev sendt. 1 kunne ikke sendes."
    assert [m.to for m in smtp.messages] == ["person0@aby.dk", "person2@aby.dk"]


def test_a_busy_mailbox_is_retried_then_left_pending_while_the_rest_go_on(smtp, waits):
    smtp.behaviour.busy_recipients = {"person0@aby.dk"}
    delivery = deliver(_mails(3), retries=2, retry_delay=1)
    assert delivery.sent == ["person1@aby.dk", "person2@aby.dk"]
    assert delivery.pending == [("person0@aby.dk", "Mailserveren kunne ikke tage imod adressen lige nu (svar 450).")]
    assert delivery.results[0].attempts == 3


def test_an_unreachable_relay(settings, waits):
    settings.EMAIL_BACKEND = "kerne.core.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens there
    delivery = deliver(_mails(3), retries=1, retry_delay=1)
    assert delivery.pending == [(f"person{i}@aby.dk", "Mailserveren kunne ikke nås.") for i in range(3)]
    assert [r.attempts for r in delivery.results] == [2, 0, 0]
    assert delivery.summary() == "0 e-mails blev sendt. 3 venter på at blive prøvet igen."


def test_a_relay_that_does_not_answer_times_out(settings, waits):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts the connection, never says a word
    try:
        settings.EMAIL_BACKEND = "kerne.core.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 0.3
        started = time.monotonic()
        delivery = deliver(_mails(2), retries=0)
        assert time.monotonic() - started < 3
        assert delivery.pending == [
            ("person0@aby.dk", "Mailserveren svarede ikke i tide."),
            ("person1@aby.dk", "Mailserveren svarede ikke i tide."),
        ]
    finally:
        silent.close()


@pytest.fixture
def tls_server():
    servers: list[SmtpServer] = []

    def start(**kwargs):
        server = SmtpServer(**kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_a_wrong_login_stops_the_batch_with_a_message_for_it(settings, tls_server, waits, monkeypatch):
    server = tls_server(tls="starttls", login=("kerne", "rigtig"))
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert_file))
    use_smtp(settings, server)
    settings.EMAIL_HOST_PASSWORD = "forkert"
    delivery = deliver(_mails(3))
    assert delivery.failed == [
        (f"person{i}@aby.dk", "Mailserveren afviste Kernes login. Bed IT om at tjekke mailopsætningen (svar 535).")
        for i in range(3)
    ]
    assert waits == []
    assert server.messages == []


def test_starttls_with_login(settings, tls_server, monkeypatch):
    server = tls_server(tls="starttls", login=("kerne", "rigtig"))
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert_file))
    use_smtp(settings, server)
    assert deliver(_mails(2)).all_sent
    assert len(server.messages) == 2


def test_implicit_tls_as_on_port_465(settings, tls_server, monkeypatch):
    server = tls_server(tls="implicit")
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert_file))
    use_smtp(settings, server)
    assert settings.EMAIL_USE_SSL is True
    assert deliver(_mails(1)).all_sent
    assert server.messages[0].to == "person0@aby.dk"


def test_an_untrusted_certificate_stops_the_batch(settings, tls_server, monkeypatch, waits):
    server = tls_server(tls="implicit")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    use_smtp(settings, server)
    delivery = deliver(_mails(2))
    assert [reason for _to, reason in delivery.failed] == [
        "Kerne kunne ikke oprette en krypteret forbindelse til mailserveren (certifikat eller TLS). Spørg IT."
    ] * 2
    assert server.messages == []


def test_a_mail_a_person_waits_for_is_tried_once(settings, waits):
    settings.EMAIL_BACKEND = "kerne.core.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    delivery = deliver(_mails(1), retries=0)
    assert delivery.results[0].attempts == 1
    assert waits == []


def test_concurrent_batches_do_not_share_a_connection(smtp):
    results = []
    threads = [threading.Thread(target=lambda d=d: results.append(deliver(_mails(5, d)))) for d in ("a.dk", "b.dk")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.all_sent for r in results)
    assert len(smtp.messages) == 10


# --- settings ------------------------------------------------------------------------------------------


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "from config.settings import base as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT, s.KERNE_REPLY_TO)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KERNE_EMAIL")}
    environment.update({"KERNE_SECRET_KEY": "x", **env})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_settings_defaults_and_port_465():
    plain = _settings_in_subprocess(KERNE_EMAIL_BACKEND="smtp", KERNE_REPLY_TO="hr@aby.dk")
    assert plain.stdout.split() == ["kerne.core.smtp.EmailBackend", "False", "False", "20.0", "hr@aby.dk"]
    django_path = _settings_in_subprocess(KERNE_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    assert django_path.stdout.split()[0] == "kerne.core.smtp.EmailBackend"
    smtps = _settings_in_subprocess(KERNE_EMAIL_PORT="465", KERNE_EMAIL_TIMEOUT="7")
    assert smtps.stdout.split()[1:4] == ["False", "True", "7.0"]
    both = _settings_in_subprocess(KERNE_EMAIL_USE_TLS="1", KERNE_EMAIL_USE_SSL="1")
    assert both.returncode != 0
    assert "cannot both be on" in both.stderr


# --- manage.py mail_check ------------------------------------------------------------------------------


def test_mail_check_sends_through_the_same_path_and_reports(smtp, settings):
    import io

    from django.core.management import CommandError, call_command

    settings.KERNE_BASE_URL = "https://kerne.aby.dk"
    out = io.StringIO()
    call_command("mail_check", "it@aby.dk", stdout=out)
    text = out.getvalue()
    assert f"Relay:     127.0.0.1:{smtp.port} (TLS: none)" in text
    assert "EHLO name: kerne.aby.dk" in text
    assert "it@aby.dk: sent" in text
    assert smtp.messages[0].subject == "Kerne: prøvemail fra opsætningen"
    smtp.behaviour.refuse = {"ukendt@aby.dk"}
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("mail_check", "ukendt@aby.dk", stdout=out)
    assert "ukendt@aby.dk: FAILED – Mailserveren afviste adressen (svar 550)." in out.getvalue()


def test_the_demo_kommunes_addresses_never_reach_a_real_relay(smtp, settings):
    # The clocks remind the demo's leaders like anyone's; on a server with a real relay that must not
    # send to the made-up addresses (issue 15: the first worker with a relay mailed @demo-kommune.dk).
    mails = [
        Outgoing(to="preben.joergensen@demo-kommune.dk", subject="Påmindelse", text="Hej"),
        Outgoing(to="eva@aby.dk", subject="Påmindelse", text="Hej"),
    ]
    delivery = deliver(mails)
    assert delivery.sent == ["eva@aby.dk"]
    assert [m.to for m in smtp.messages] == ["eva@aby.dk"]
    demo = delivery.results[0]
    assert (demo.to, demo.status, demo.reason) == (
        "preben.joergensen@demo-kommune.dk",
        Status.FAILED,
        "en opdigtet adresse i demodata: Kerne sender aldrig post til den.",
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # bin/run prints them instead
    assert deliver(mails[:1]).sent == ["preben.joergensen@demo-kommune.dk"]
