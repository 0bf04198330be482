"""The worker: procrastinate's worker really runs BOA's tasks on PostgreSQL; the command runs the
jobs once on SQLite and reports the outbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select, text

from boa.composition import job_app
from boa.kernel import mail
from boa.kernel.db import transaction
from boa.kernel.jobs import QUEUE
from boa.kernel.models import OutboxMail
from boa.kernel.settings import get_settings

postgres_only = pytest.mark.skipif(not os.environ.get("BOA_TEST_DATABASE_URL", "").startswith("postgresql"),
                                   reason="procrastinate runs on PostgreSQL (SQLite runs the jobs in-process)")


@postgres_only
async def test_procrastinate_runs_the_mail_task_on_postgresql(db):
    async with transaction(db) as session:
        mail.send(session, to="nina@uni.example", template="activation", lang="en", name="Nina", ident="NINA",
                  code="X", link="http://x", expires="soon")
    app = job_app(get_settings().database_url)
    assert {"boa:deliver_mail", "boa:send_reminders", "boa:housekeeping"} <= set(app.tasks)
    try:
        async with app.open_async():
            job_id = await app.configure_task("boa:deliver_mail").defer_async(timestamp=0)
            await app.run_worker_async(queues=[QUEUE], wait=False, install_signal_handlers=False,
                                       listen_notify=False, additional_context={"engine": db})
            [job] = await app.job_manager.list_jobs_async(id=job_id)
            assert job.status == "succeeded"
    finally:
        async with db.begin() as conn:
            await conn.execute(text("TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers"))
    async with transaction(db) as session:
        assert [m.state for m in await session.scalars(select(OutboxMail))] == ["sent"]
    lines = (get_settings().outbox_dir / "mail.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["to"] for line in lines] == ["nina@uni.example"]


def test_the_worker_command_runs_the_jobs_once_and_the_mail_command_reports(tmp_path):
    env = {"BOA_VAR_DIR": str(tmp_path), "BOA_ARGON2_MEMORY_KIB": "1024", "BOA_ARGON2_TIME_COST": "1",
           "PATH": "/usr/bin:/bin", "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}

    def boa(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "boa.cli", *args], env=env, capture_output=True, text=True,
                              timeout=120)

    assert boa("db", "upgrade").returncode == 0
    once = boa("worker", "--once")
    assert once.returncode == 0, once.stderr
    result = json.loads(once.stdout.splitlines()[-1])
    assert result["mail"] == {"sent": 0, "retried": 0, "failed": 0}
    assert set(result["reminders"]) >= {"boa.people.reminders.certification_expiry",
                                         "tokens.reminders.physical_token_not_activated"}
    status = boa("mail", "status")
    assert status.returncode == 0 and json.loads(status.stdout)["counts"]["failed"] == 0
