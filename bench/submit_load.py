"""Load test of the rater's submit endpoint against a real server (issue 4 §8).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/submit_load.py
    options: --size kk|medium  --seconds 30  --connections 16  --workers 4

On a scratch database it imports the demo kommune, opens a round on Holstebro's framework, and
starts gunicorn (production settings, --workers processes, config/gunicorn.py). The load generator
is wrk (Debian's `wrk`, a C program, so it takes little of the two cores from the server): each
request is one rater's final submit of a complete questionnaire (34 answers and a comment) through
the real form endpoint, as the rater's browser sends it after opening the link: to the form's
address (`/svar/s/<handle>/`) with the link in the browser's signed cookie, every request for a
rater of its own. It prints requests per second, latency percentiles (p50, p95, p99), errors, the
server's CPU time per submit, and checks in the database that each accepted submit left exactly
one sealed response. Then, in the same run, the database's own limit: the same rows (the sealed
response, the invitation's "submitted", the draft removed) written by plain SQL, one transaction
per submit, from as many connections. Targets (issue 9): at least 150 submits a second with p95
under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.evaluation_round import build_organisation, prepare_round
from bench.org_import import scratch_database, setup_django

ROOT = Path(__file__).resolve().parent.parent
CSRF = "K" * 32  # a CSRF secret sent both as cookie and as form field, as a browser would
TARGET_RPS = 150
TARGET_P95_MS = 200

LUA = r"""
local requests = {}
local counter = 0
local file = io.open(os.getenv("KERNE_LOAD_FILE"), "r")
for line in file:lines() do
  local first = line:find("\t")
  local second = line:find("\t", first + 1)
  requests[#requests + 1] = {line:sub(1, first - 1), line:sub(first + 1, second - 1), line:sub(second + 1)}
end
file:close()
local thread_index = 0
function setup(thread)
  thread:set("offset", thread_index)
  thread_index = thread_index + 1
end
function init(args)
  counter = offset
  step = tonumber(os.getenv("KERNE_LOAD_THREADS"))
end
function request()
  local item = requests[(counter % #requests) + 1]
  counter = counter + step
  return wrk.format("POST", item[1], {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. os.getenv("KERNE_CSRF") .. "; " .. item[3],
    ["Host"] = "127.0.0.1"
  }, item[2])
end
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f p50=%.1f p95=%.1f p99=%.1f non2xx=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


def request_lines(round_, limit: int) -> list[str]:
    """One line per rater: the form's address, a complete valid submit body, the browser's cookie."""
    import json
    from http.cookies import SimpleCookie
    from urllib.parse import urlencode

    from django.core import signing

    from kerne.evaluations import answering, views_answer
    from kerne.evaluations.models import Invitation

    lines = []
    invitations = Invitation.objects.filter(round=round_).select_related("round", "subject", "group").order_by("?")
    for n, invitation in enumerate(invitations[:limit]):
        token = answering.link_for(invitation)
        form = answering.questionnaire(answering.rater_for_token(token))
        data = {item.field: str(3 + (item.question.pk % 3)) for _a, items, _c in form.areas for item in items}
        for _area, _items, comment in form.areas:
            if comment is not None:
                data[f"c-{_area.key}"] = "Tydelig og nærværende leder."
        data["action"] = "submit"
        data["csrfmiddlewaretoken"] = CSRF
        handle = f"h{n}"
        # The cookie the link's first request sets (views_answer.open_link), signed as Django signs it.
        value = signing.get_cookie_signer(salt=views_answer.COOKIE + views_answer.COOKIE_SALT).sign(
            json.dumps({handle: token}, separators=(",", ":"))
        )
        cookie: SimpleCookie = SimpleCookie()
        cookie[views_answer.COOKIE] = value
        lines.append(f"/svar/s/{handle}/\t{urlencode(data)}\t{cookie[views_answer.COOKIE].OutputString()}")
    return lines


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def bare_submits(round_, count: int, connections_: int) -> float:
    """The database's own limit: the rows one submit writes, by plain SQL, a transaction each,
    from `connections_` threads at once. Returns submits per second."""
    import os as _os
    import threading
    import uuid

    from django.db import connection

    from kerne.evaluations.models import Draft, Invitation, SealedResponse

    blob = _os.urandom(700)  # a sealed response of 34 answers and a comment is about this size
    ids = list(Invitation.objects.filter(round=round_, submitted=False).values_list("pk", flat=True)[:count])
    chunks = [ids[i::connections_] for i in range(connections_)]
    sealed, invitation, draft = (m._meta.db_table for m in (SealedResponse, Invitation, Draft))
    settings_dict = connection.settings_dict

    def work(part: list[int]) -> None:
        if connection.vendor == "postgresql":
            import psycopg

            with psycopg.connect(
                dbname=settings_dict["NAME"],
                user=settings_dict["USER"],
                host=settings_dict["HOST"],
                port=settings_dict["PORT"] or 5432,
                autocommit=False,
            ) as db:
                for pk in part:
                    with db.transaction():
                        row = db.execute(f"SELECT submitted FROM {invitation} WHERE id = %s FOR UPDATE", [pk])
                        row.fetchone()
                        db.execute(
                            f"INSERT INTO {sealed} (id, round_id, data) VALUES (%s, %s, %s)",
                            [uuid.uuid4(), round_.pk, blob],
                        )
                        db.execute(f"UPDATE {invitation} SET submitted = true WHERE id = %s", [pk])
                        db.execute(f"DELETE FROM {draft} WHERE id = %s", [uuid.uuid4().hex * 2])
        else:
            import sqlite3

            db = sqlite3.connect(settings_dict["NAME"], timeout=20, isolation_level=None)
            for pk in part:
                db.execute("BEGIN IMMEDIATE")
                db.execute(f"SELECT submitted FROM {invitation} WHERE id = ?", [pk]).fetchone()
                db.execute(
                    f"INSERT INTO {sealed} (id, round_id, data) VALUES (?, ?, ?)", [uuid.uuid4().hex, round_.pk, blob]
                )
                db.execute(f"UPDATE {invitation} SET submitted = 1 WHERE id = ?", [pk])
                db.execute(f"DELETE FROM {draft} WHERE id = ?", [uuid.uuid4().hex * 2])
                db.execute("COMMIT")
            db.close()

    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(ids) / (time.perf_counter() - started)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own server on localhost
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"server did not start: {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="kk")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    args = parser.parse_args()
    if not args.port:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk")
        return 2
    os.environ["KERNE_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"  # queue e-mails, do not send
    with scratch_database() as where, tempfile.TemporaryDirectory(prefix="kerne-load-") as folder:
        setup_django()
        from django.conf import settings as django_settings
        from django.core.management import call_command
        from django.db import connections

        from kerne.evaluations import services
        from kerne.evaluations.models import Invitation, SealedResponse

        call_command("migrate", verbosity=0)
        organisation, hr = build_organisation(args.size, 1)
        round_ = prepare_round(organisation, hr)
        services.round_open(round_=round_, actor=hr, send_mail=False)
        round_.refresh_from_db()
        needed = TARGET_RPS * args.seconds * 3
        lines = request_lines(round_, needed)
        load_file = Path(folder) / "requests.tsv"
        load_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        script = Path(folder) / "submit.lua"
        script.write_text(LUA, encoding="utf-8")
        connections.close_all()

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "KERNE_DEBUG": "0",
            # The server signs and checks the raters' cookies with the key the cookies were made with,
            # and reads the round's keys from the key directory the round was opened with.
            "KERNE_SECRET_KEY": django_settings.SECRET_KEY,
            "KERNE_KEY_DIR": str(django_settings.KERNE_KEY_DIR),
            "KERNE_ALLOWED_HOSTS": "127.0.0.1",
            "KERNE_STATIC_ROOT": str(Path(folder) / "static"),
            "KERNE_LOG_LEVEL": "WARNING",
        }
        python = str(ROOT / ".venv" / "bin" / "python")
        subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([python, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-c",
                "config/gunicorn.py",
                "config.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{args.port}",
                "--log-level",
                "warning",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for(f"http://127.0.0.1:{args.port}/")
            workers = children_of(server.pid)
            cpu_before = cpu_seconds(workers)
            threads = 2
            result = subprocess.run(
                [
                    "wrk",
                    f"-t{threads}",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--timeout",
                    "5s",
                    "-s",
                    str(script),
                    f"http://127.0.0.1:{args.port}",
                ],
                env={
                    **os.environ,
                    "KERNE_LOAD_FILE": str(load_file),
                    "KERNE_CSRF": CSRF,
                    "KERNE_LOAD_THREADS": str(threads),
                },
                capture_output=True,
                text=True,
                check=True,
            )
            cpu_used = cpu_seconds(workers) - cpu_before
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        line = next(row for row in result.stdout.splitlines() if row.startswith("RESULT"))
        figures = dict(item.split("=") for item in line.split()[1:])
        submitted = Invitation.objects.filter(round=round_, submitted=True).count()
        # Each accepted submit leaves exactly one sealed response and one invitation marked submitted:
        # any sealed response more than the marked invitations would be a second submit of one link.
        duplicates = SealedResponse.objects.filter(round=round_).count() - submitted
        bare = bare_submits(
            round_, min(3000, Invitation.objects.filter(round=round_, submitted=False).count()), args.connections
        )
        print(f"Submit load test on {where}, gunicorn {args.workers} workers,", end=" ")
        print(f"wrk 2 threads × {args.connections} connections")
        requests = int(figures["requests"])
        rps = requests / float(figures["seconds"])
        p95 = float(figures["p95"])
        print(
            f"  {requests} submits in {float(figures['seconds']):.1f} s: {rps:.1f} per second"
            f" (target ≥ {TARGET_RPS}: {'OK' if rps >= TARGET_RPS else 'MISSED'})"
        )
        verdict = "OK" if p95 < TARGET_P95_MS else "MISSED"
        print(f"  latency p50 {float(figures['p50']):.1f} ms, p95 {p95:.1f} ms", end=" ")
        print(f"(target < {TARGET_P95_MS}: {verdict}), p99 {float(figures['p99']):.1f} ms")
        print(f"  non-2xx responses {figures['non2xx']}, socket errors {figures['errors']}")
        print(f"  server CPU per submit: {1000 * cpu_used / max(requests, 1):.1f} ms (gunicorn workers)")
        print(f"  sealed responses stored {submitted}, duplicates {duplicates}")
        print(f"  the database's own limit (the same rows by plain SQL, {args.connections} connections):", end=" ")
        print(f"{bare:.0f} submits/s; Kerne reaches {rps / bare:.2f} of it")
        ok = rps >= TARGET_RPS and p95 < TARGET_P95_MS and figures["non2xx"] == "0" and duplicates == 0
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
