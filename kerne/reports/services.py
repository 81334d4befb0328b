"""Writes of the reports app: the audit trail of report views, and the PDF batch job."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kerne.accounts.models import User
from kerne.core.audit import audit_record
from kerne.core.downloads import download_name
from kerne.core.pdf import render_pdf
from kerne.evaluations.access import require_hr
from kerne.evaluations.models import Round, Subject
from kerne.reports import access
from kerne.reports.models import PdfBatch


def report_view_record(*, actor: User, subject: Subject, kind: str, reason: str) -> None:
    """Every view of a personal report goes in the audit log: who, whose, how, when."""
    audit_record(
        actor=actor,
        action=f"report.personal_viewed_{kind}",
        obj=subject,
        organisation=subject.round.organisation,
        label=f"{subject.name} · {subject.round.name}",
        data={"round": subject.round_id, "reason": reason},
    )


def pdf_batch_create(*, round_: Round, actor: User) -> PdfBatch:
    """Queue rendering every personal report of the round (HR, when the round lets HR see them)."""
    refusal = access.all_personal_refusal(actor, round_)
    if refusal is not None:
        raise PermissionDenied(refusal)
    batch = PdfBatch.objects.create(
        round=round_, requested_by=actor, total=round_.subjects.filter(included=True).count()
    )
    audit_record(actor=actor, action="report.pdf_batch_requested", obj=round_, organisation=round_.organisation)
    from kerne.reports.tasks import render_pdf_batch_task

    transaction.on_commit(lambda: render_pdf_batch_task.enqueue(batch.pk))
    return batch


def pdf_batch_render(batch_id: int) -> PdfBatch:
    """Render the PDFs one by one, recording progress after each; the zip is stored with the batch."""
    from kerne.reports.personal import load_personal_report
    from kerne.reports.presenters import personal_context

    batch = PdfBatch.objects.select_related("round", "round__organisation", "requested_by").get(pk=batch_id)
    batch.status = PdfBatch.Status.RUNNING
    batch.save(update_fields=["status"])
    buffer = io.BytesIO()
    try:
        subjects = list(
            batch.round.subjects.filter(included=True).select_related(
                "round", "unit", "org_role_level", "round__framework"
            )
        )
        batch.total = len(subjects)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index, subject in enumerate(subjects, start=1):
                report = load_personal_report(subject)
                pdf = render_pdf("reports/personal_pdf.html", personal_context(report))
                archive.writestr(download_name(subject.name, str(subject.pk), extension="pdf"), pdf)
                report_view_record(actor=batch.requested_by, subject=subject, kind="pdf_batch", reason="hr")
                batch.done = index
                PdfBatch.objects.filter(pk=batch.pk).update(done=index, total=batch.total)
        batch.file.save(
            f"{slugify(batch.round.name)}-rapporter-{batch.pk}.zip", ContentFile(buffer.getvalue()), save=False
        )
        batch.status = PdfBatch.Status.DONE
    except Exception as exc:  # the job must end in a state the page can show
        batch.status = PdfBatch.Status.FAILED
        batch.error = str(exc)[:2000]
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def disclosure_retry(*, round_: Round, actor: User) -> None:
    """HR asks again for a round's disclosure decision that failed."""
    from django.core.exceptions import ValidationError

    from kerne.evaluations.models import Disclosure
    from kerne.evaluations.tasks import disclosure_queue

    require_hr(actor, round_.organisation)
    if round_.status not in access.RESULTS_READY:
        raise ValidationError(_("The round has no results yet."))
    if Disclosure.objects.filter(round=round_, status=Disclosure.Status.RUNNING).exists():
        raise ValidationError(_("The reports are being prepared now."))
    with transaction.atomic():
        disclosure_queue(round_)
        audit_record(actor=actor, action="round.disclosure_requested", obj=round_, organisation=round_.organisation)
