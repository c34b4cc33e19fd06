"""One login identity per email, whatever its case (issue 8, item 1).

Existing addresses are already lower-case (a check constraint has held that since
0001); this brings them to the full normal form of accounts.identity.normalise_email
(NFKC, trimmed) and then adds the case-insensitive unique index that the login, the
lockout counter and the password reset rely on.
"""

import unicodedata

import django.db.models.functions.text
from django.db import migrations, models


def normalise(value):
    # A frozen copy of accounts.identity.normalise_email: migrations must not import
    # code that may change later.
    return unicodedata.normalize("NFKC", value).strip().lower()


def normalise_existing_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen = {}
    for pk, email in User.objects.order_by("pk").values_list("pk", "email"):
        normal = normalise(email)
        if normal in seen:
            raise RuntimeError(
                f"Users {seen[normal]} and {pk} share the email {normal!r} once normalised; "
                "merge or rename one of them, then migrate again."
            )
        seen[normal] = pk
        if normal != email:
            User.objects.filter(pk=pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(normalise_existing_emails, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=models.EmailField(
                error_messages={"unique": "A user with this email address already exists."},
                max_length=254,
                unique=True,
                verbose_name="email address",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="A user with this email address already exists.",
            ),
        ),
    ]
