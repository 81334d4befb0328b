"""Sealed responses: nothing stored ties a rater to an answer (docs/privacy.md).

Replaces the link table (ResponseLink) and the per-answer rows (Answer). Existing data:
- closed rounds keep their raw answers, folded into one row per response (Response.answers), and
  their comments (the group of a comment untied at closing is no longer known: "others");
- an open round gets its keys now, and new links for every rater (links sent before stop working,
  which the migration prints); its submitted responses are sealed to the new key and its
  unsubmitted drafts are dropped (they were stored beside their invitation, which is what this
  migration removes).
"""

import json
import uuid

import django.db.models.deletion
from django.db import migrations, models

import kerne.core.fields


def forwards(apps, schema_editor):
    from nacl.public import PublicKey, SealedBox

    from kerne.evaluations import keys, tokens

    Round = apps.get_model("evaluations", "Round")
    Invitation = apps.get_model("evaluations", "Invitation")
    Response = apps.get_model("evaluations", "Response")
    Answer = apps.get_model("evaluations", "Answer")
    ResponseLink = apps.get_model("evaluations", "ResponseLink")
    Comment = apps.get_model("evaluations", "Comment")
    SealedResponse = apps.get_model("evaluations", "SealedResponse")

    answers = {}
    for response_id, question_id, value in Answer.objects.values_list("response_id", "question_id", "value"):
        answers.setdefault(response_id, {})[str(question_id)] = value
    groups = dict(Response.objects.values_list("id", "group__key"))
    for comment in Comment.objects.all():
        if comment.response_id is not None:
            comment.group_key = groups.get(comment.response_id, "others")
        else:
            comment.group_key = "self" if comment.from_self else "others"
        comment.save(update_fields=["group_key"])

    for round_ in Round.objects.filter(status="open"):
        code = tokens.new_round_code()
        while Round.objects.filter(link_code=code).exists():
            code = tokens.new_round_code()
        round_keys = keys.create(code)
        round_.link_code = code
        round_.public_key = round_keys.public_key_hex
        round_.save(update_fields=["link_code", "public_key"])
        box = SealedBox(PublicKey(bytes.fromhex(round_.public_key)))
        links = {link.invitation_id: link for link in ResponseLink.objects.filter(invitation__round=round_)}
        comments = {}
        for comment in Comment.objects.filter(round=round_).exclude(response=None):
            comments.setdefault(comment.response_id, {})[comment.area_key] = comment.text
        renewed = 0
        for invitation in Invitation.objects.filter(round=round_).exclude(token_hash=None):
            token = tokens.new_token(code)
            invitation.token_hash = tokens.token_hash(round_keys.link_secret, token)
            invitation.sealed_token = tokens.seal_token(round_keys.link_secret, token)
            link = links.get(invitation.pk)
            invitation.submitted = bool(link and link.submitted)
            invitation.save(update_fields=["token_hash", "sealed_token", "submitted"])
            renewed += 1
            if link is not None and link.submitted:
                response = link.response
                content = {
                    "s": response.subject_id,
                    "g": groups[response.pk],
                    "a": answers.get(response.pk, {}),
                    "c": comments.get(response.pk, {}),
                }
                SealedResponse.objects.create(
                    round=round_, data=box.encrypt(json.dumps(content, separators=(",", ":")).encode())
                )
        Comment.objects.filter(round=round_).delete()
        Response.objects.filter(round=round_).delete()
        if renewed:
            print(f"\n  Round {round_.pk} ({round_.name}): {renewed} raters have new links; send a reminder.")

    # Closed rounds kept their links' hashes and salts: wiped now, as closing does from here on.
    Invitation.objects.exclude(round__status__in=["draft", "open"]).update(
        token_hash=None, token_salt="", sent_at=None, reminders_sent=0, last_reminded_on=None, delivery_error=""
    )
    for response in Response.objects.filter(submitted=True):
        response.group_key = groups[response.pk]
        response.answers = answers.get(response.pk, {})
        response.save(update_fields=["group_key", "answers"])
    Comment.objects.filter(response__submitted=False).delete()
    Response.objects.filter(submitted=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Draft",
            fields=[
                ("id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("data", models.BinaryField()),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="drafts", to="evaluations.round"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SealedResponse",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("data", models.BinaryField()),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sealed_responses",
                        to="evaluations.round",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="comment",
            name="group_key",
            field=models.CharField(default="others", max_length=12),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="invitation",
            name="sealed_token",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="submitted",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="response",
            name="answers",
            field=kerne.core.fields.PlainJSONField(default=dict),
        ),
        migrations.AddField(
            model_name="response",
            name="group_key",
            field=models.CharField(default="others", max_length=12),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="round",
            name="link_code",
            field=models.CharField(blank=True, max_length=8, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="round",
            name="public_key",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="round",
            name="scrubbed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="responserate",
            name="pooled",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="Answer"),
        migrations.DeleteModel(name="ResponseLink"),
        migrations.RemoveConstraint(model_name="comment", name="comment_one_per_area"),
        migrations.RemoveIndex(model_name="response", name="evaluations_round_i_c6134e_idx"),
        migrations.RemoveField(model_name="comment", name="from_self"),
        migrations.RemoveField(model_name="comment", name="response"),
        migrations.RemoveField(model_name="invitation", name="token_salt"),
        migrations.RemoveField(model_name="response", name="group"),
        migrations.RemoveField(model_name="response", name="submitted"),
    ]
