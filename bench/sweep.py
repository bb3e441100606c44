"""The due-message sweep among a million rows, and delivering 10,000 due emails."""

from __future__ import annotations

import datetime
import statistics
import time
from typing import Any

from bench.profiling import PROFILE, WorkerProfiler
from bench.stack import (
    Stack,
    children,
    cpu_seconds,
    wait_until,
)

# --- the due-message sweep ----------------------------------------------------------

SWEEP_SQL = """
-- CASCADE: whatever else points at a request (change requests, ...) goes too.
TRUNCATE booking_visitrequest, booking_consent, booking_requestevent, outbox_message,
    django_session CASCADE;
SET synchronous_commit TO off;
INSERT INTO booking_visitrequest (
    reference, submission_token, submission_fingerprint, link_nonce, language, submitted_by, patient_name,
    patient_birth_year, patient_phone, patient_email, caregiver_name,
    caregiver_relationship, caregiver_phone, caregiver_email, message_recipient,
    address_line, street, area, landmark, pin_code, service_area_id, cancer_type, medicine,
    medicine_other, oncologist_name, hospital_name, first_dose_in_hospital,
    had_infusion_reaction, has_prescription, preferred_date, preferred_time, notes,
    needs_clinical_review, status, schedule_version, closing_reason, handover_notes, created_at,
    updated_at)
SELECT 'UH-' || lpad(to_hex(n), 9, '0'), gen_random_uuid(), '', md5(n::text)::varchar(16), 'en',
    'patient', 'Testina Fictional', 1960, '+91982' || lpad((n %% 10000000)::text, 7, '0'),
    'testina' || n || '@example.com', '', '', '', '', 'patient',
    'Flat 12, Imaginary Heights', 'Example Road', 'Andheri West', '', '400053',
    (SELECT id FROM booking_servicearea WHERE pin_code = '400053'), 'Lung cancer',
    'pembrolizumab', '', 'Dr Placeholder', 'Nowhere General Hospital', true, false, true,
    current_date + 3, 'morning', '', false, 'completed', 1, '', '',
    now() - interval '400 days' + n * interval '1 minute', now()
FROM generate_series(1, %(requests)s) AS n;
-- Five messages a request: history (sent), a few cancelled and failed, upcoming
-- reminders (pending, due later), and exactly %(due)s pending rows already due.
INSERT INTO outbox_message (
    subject_type_id, subject_id, kind, channel, audience, schedule_version, recipient, language,
    due_at, held_in_quiet_hours, status, attempts, last_error, claimed_at, sent_at,
    idempotency_key, created_at)
SELECT (SELECT id FROM django_content_type WHERE app_label = 'booking' AND model = 'visitrequest'),
    r.id, m.kind, m.channel, m.audience, 1,
    CASE WHEN m.channel = 'sms' THEN r.patient_phone ELSE r.patient_email END, 'en',
    CASE WHEN m.kind IN ('remind24', 'remind2') AND r.id %% 50 = 0
         THEN now() + interval '1 day' + (r.id %% 1000) * interval '1 minute'
         ELSE r.created_at + m.offset_ END,
    m.kind <> 'received',
    CASE WHEN m.kind IN ('remind24', 'remind2') AND r.id %% 50 = 0 THEN 'pending'
         WHEN r.id %% 97 = 0 THEN 'cancelled'
         WHEN r.id %% 997 = 0 THEN 'failed'
         ELSE 'sent' END,
    1, '', r.created_at + m.offset_, r.created_at + m.offset_, gen_random_uuid(), r.created_at
FROM booking_visitrequest r
CROSS JOIN (VALUES
    ('received', 'sms', 'patient', interval '0'),
    ('received', 'email', 'patient', interval '0'),
    ('alert', 'email', 'coordinator', interval '0'),
    ('remind24', 'sms', 'patient', interval '2 days'),
    ('remind2', 'sms', 'patient', interval '3 days')
) AS m(kind, channel, audience, offset_);
UPDATE outbox_message SET status = 'pending', due_at = now() - (id %% 600) * interval '1 second',
    sent_at = NULL, claimed_at = NULL, attempts = 0
WHERE id IN (SELECT id FROM outbox_message WHERE kind = 'received' AND channel = 'email'
             AND status = 'sent' ORDER BY id LIMIT %(due)s);
ANALYZE booking_visitrequest;
ANALYZE outbox_message;
"""


def sweep_case(stack: Stack, *, deliver: int, quick: bool) -> dict[str, Any]:
    """Find the due rows among a million, then deliver `deliver` of them with two processes."""
    from django.db import connection
    from django.utils import timezone

    from outbox import dispatch
    from outbox.models import Message, MessageStatus
    from outbox.tasks import deliver_due_messages

    total = 100_000 if quick else 1_000_000
    # Beat and the worker would send the due rows while they are being counted:
    # stop them for the build and the finding, start them again to deliver.
    stack.stop("beat")
    stack.stop("worker")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(SWEEP_SQL % {"requests": total // 5, "due": 1000})
    build_s = time.monotonic() - started
    rows = Message.objects.count()
    due = Message.objects.filter(status=MessageStatus.PENDING, due_at__lte=timezone.now()).count()
    print(f"  sweep: {rows:,} message rows written in {build_s:.0f} s, {due:,} due", flush=True)

    # What the beat sweep does first: rescue stuck rows, then list the due ones.
    timings = []
    for _ in range(30):
        t0 = time.perf_counter()
        found = dispatch.messages_due()
        timings.append((time.perf_counter() - t0) * 1000)
    now = timezone.now()
    plan = (
        Message.objects.filter(status=MessageStatus.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:5000]
        .explain(analyze=True, buffers=True)
    )
    rescue_plan = Message.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=now - datetime.timedelta(minutes=3)
    ).explain(analyze=True)
    result: dict[str, Any] = {
        "rows": rows,
        "due": due,
        "found": len(found),
        "find_ms_median": statistics.median(timings),
        "find_ms_max": max(timings),
        "plan": plan,
        "rescue_plan": rescue_plan,
        "uses_index": "outbox_pending_due" in plan,
    }
    print(
        f"  sweep: messages_due() found {len(found)} in {result['find_ms_median']:.2f} ms "
        f"(median of 30, max {result['find_ms_max']:.2f}); index used: {result['uses_index']}",
        flush=True,
    )

    # Make `deliver` emails due (the 1,000 already due are among them), then
    # let the beat task fan them out to the two worker processes.
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE outbox_message SET status = 'pending', due_at = now() - interval '1 second',
                   sent_at = NULL, claimed_at = NULL, attempts = 0
               WHERE id IN (SELECT id FROM outbox_message WHERE kind = 'received'
                            AND channel = 'email' AND status IN ('sent', 'pending')
                            AND due_at < now() ORDER BY id LIMIT %s)""",
            [deliver],
        )
    stack.start_worker(concurrency=2)
    stack.start_beat()
    target_ids = set(
        Message.objects.filter(
            status=MessageStatus.PENDING, due_at__lte=timezone.now()
        ).values_list("pk", flat=True)
    )
    import redis

    broker = redis.Redis(port=stack.redis_port, db=0)
    worker = stack.procs["worker"]
    pool = children(worker.pid)
    cpu_before = cpu_seconds([worker.pid, *pool])
    profiler = WorkerProfiler(worker.pid) if "sweep" in PROFILE else None
    started = time.monotonic()
    sweeps = 0
    deadline = started + 180
    while time.monotonic() < deadline:
        remaining = Message.objects.filter(pk__in=target_ids, status=MessageStatus.PENDING)
        if not remaining.exists():
            break
        # Another sweep only when the last one's batches have been picked up,
        # as beat would do on its next tick.
        if broker.llen("celery") == 0:
            deliver_due_messages.delay()
            sweeps += 1
        time.sleep(0.2)
    wait_until(
        lambda: (
            not Message.objects.filter(
                pk__in=target_ids, status__in=[MessageStatus.PENDING, MessageStatus.SENDING]
            ).exists()
        ),
        timeout=max(deadline - time.monotonic(), 1),
        interval=0.1,
        what="all due messages sent",
    )
    elapsed = time.monotonic() - started
    cpu = cpu_seconds([worker.pid, *pool]) - cpu_before
    if profiler:
        profiler.finish()
    sent = Message.objects.filter(pk__in=target_ids, status=MessageStatus.SENT).count()
    result.update(
        deliver=len(target_ids),
        delivered=sent,
        deliver_s=elapsed,
        deliver_rate=sent / elapsed,
        deliver_cpu_ms=1000 * cpu / max(sent, 1),
        sweeps=sweeps,
    )
    print(
        f"  sweep: delivered {sent:,} of {len(target_ids):,} in {elapsed:.1f} s = "
        f"{sent / elapsed:,.0f}/s ({sweeps} sweeps, {result['deliver_cpu_ms']:.2f} ms worker CPU "
        "per message)",
        flush=True,
    )
    return result
