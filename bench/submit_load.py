"""Load test of the rater's submit endpoint against a real server (issue 4 §8).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/submit_load.py
    options: --size kk|medium  --seconds 30  --connections 16  --workers 4

On a scratch database it imports the demo kommune, opens a round on Holstebro's framework, and
starts gunicorn (production settings, --workers processes). The load generator is wrk (Debian's
`wrk`, a C program, so it takes little of the two cores from the server): each request is one
rater's final submit of a complete questionnaire (34 answers and a comment) through the real form
endpoint, every request with its own link. It prints requests per second, latency percentiles
(p50, p95, p99), errors, and checks in the database that each accepted submit left exactly one
response. Targets: at least 100 responses a second with p95 under 300 ms.
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
TARGET_RPS = 100
TARGET_P95_MS = 300

LUA = r"""
local requests = {}
local counter = 0
local file = io.open(os.getenv("KERNE_LOAD_FILE"), "r")
for line in file:lines() do
  local tab = line:find("\t")
  requests[#requests + 1] = {line:sub(1, tab - 1), line:sub(tab + 1)}
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
    ["Cookie"] = "csrftoken=" .. os.getenv("KERNE_CSRF"),
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
    """One line per rater: the form path and a complete, valid submit body."""
    from urllib.parse import urlencode

    from kerne.evaluations import answering, tokens
    from kerne.evaluations.models import Invitation

    lines = []
    invitations = Invitation.objects.filter(round=round_).select_related("round", "subject", "group").order_by("?")
    for invitation in invitations[:limit]:
        form = answering.questionnaire(invitation)
        data = {item.field: str(3 + (item.question.pk % 3)) for _a, items, _c in form.areas for item in items}
        for _area, _items, comment in form.areas:
            if comment is not None:
                data[f"c-{_area.key}"] = "Tydelig og nærværende leder."
        data["action"] = "submit"
        data["csrfmiddlewaretoken"] = CSRF
        lines.append(f"/svar/{tokens.token_for(invitation.token_salt)}/\t{urlencode(data)}")
    return lines


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
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk")
        return 2
    os.environ["KERNE_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"  # queue e-mails, do not send
    with scratch_database() as where, tempfile.TemporaryDirectory(prefix="kerne-load-") as folder:
        setup_django()
        from django.core.management import call_command
        from django.db import connections

        from kerne.evaluations import services
        from kerne.evaluations.models import Answer, Response, ResponseLink

        call_command("migrate", verbosity=0)
        organisation, hr = build_organisation(args.size, 1)
        round_ = prepare_round(organisation, hr)
        services.round_open(round_=round_, actor=hr)
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
            "KERNE_SECRET_KEY": "load-test-secret",
            "KERNE_TOKEN_KEY": "",
            "KERNE_ALLOWED_HOSTS": "127.0.0.1",
            "KERNE_STATIC_ROOT": str(Path(folder) / "static"),
            "KERNE_LOG_LEVEL": "WARNING",
        }
        # The links were made with the test settings' secret; the server must derive the same.
        from django.conf import settings as django_settings

        env["KERNE_TOKEN_KEY"] = f"kerne-rater-links:{django_settings.SECRET_KEY}"
        python = str(ROOT / ".venv" / "bin" / "python")
        subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([python, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{args.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for(f"http://127.0.0.1:{args.port}/")
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
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        line = next(row for row in result.stdout.splitlines() if row.startswith("RESULT"))
        figures = dict(item.split("=") for item in line.split()[1:])
        submitted = Response.objects.filter(round=round_, submitted=True).count()
        per_response = Answer.objects.filter(response__round=round_).count() / max(submitted, 1)
        # Each response has exactly one link (one per invitation, by its primary key): any response
        # more than the links would be a second response to one link.
        duplicates = (
            Response.objects.filter(round=round_).count()
            - ResponseLink.objects.filter(invitation__round=round_).count()
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
        print(f"  responses stored {submitted} ({per_response:.1f} answers each), duplicates {duplicates}")
        ok = rps >= TARGET_RPS and p95 < TARGET_P95_MS and figures["non2xx"] == "0" and duplicates == 0
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
