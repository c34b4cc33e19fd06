"""The 2025 URSSAF telework allowance scale, so a fresh install pays the right amounts.
Later years are added in the admin (the table is dated; amounts are never constants)."""

from decimal import Decimal

from django.db import migrations

RATES = [
    ("standard", "2025-01-01", Decimal("2.70"), Decimal("59.40")),
    ("collective", "2025-01-01", Decimal("3.25"), Decimal("71.50")),
]


def add_rates(apps, schema_editor):
    AllowanceRate = apps.get_model("telework", "AllowanceRate")
    for rate_set, valid_from, daily, cap in RATES:
        AllowanceRate.objects.get_or_create(
            rate_set=rate_set,
            valid_from=valid_from,
            defaults={"daily_amount": daily, "monthly_cap": cap},
        )


def remove_rates(apps, schema_editor):
    AllowanceRate = apps.get_model("telework", "AllowanceRate")
    for rate_set, valid_from, _daily, _cap in RATES:
        AllowanceRate.objects.filter(rate_set=rate_set, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("telework", "0001_initial")]

    operations = [migrations.RunPython(add_rates, remove_rates)]
